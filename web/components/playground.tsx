/**
 * The playground below the page header: toolbar and link message; Fig. 1 with
 * the pair states, the two bitmaps and the progress bars on the left; the transport and
 * the sequence diagram on the right; tabs for commands, charts, verdict/tape and compare.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { usePlayground } from '../ui/use-playground.ts';
import { actionFor } from '../ui/keyboard.ts';
import { Toolbar } from './toolbar.tsx';
import { Fig1Array } from './fig1-array.tsx';
import { BitmapHeatmap } from './bitmap-heatmap.tsx';
import { Charts, ProgressBars } from './charts.tsx';
import { Transport } from './transport.tsx';
import { SequenceDiagram } from './sequence-diagram.tsx';
import { CommandPanel, insertCommand, type BackupForm, type Selection } from './command-panel.tsx';
import { CompareTable, Verdict } from './verdict.tsx';
import { TapeCatalog } from './tape-catalog.tsx';
import { HelpDialog } from './help-dialog.tsx';
import { transferBounds } from '../ui/backup-form.ts';
import { ImageUpload } from './image-upload.tsx';
import { LiveView } from './live-view.tsx';
import { useLive } from '../ui/use-live.ts';
import type { ExchangeView } from '../ui/view-model.ts';
import { LIMITS } from '../../src/scenario/schema.ts';

const TABS = ['commands', 'charts', 'verdict', 'compare'] as const;
type Tab = (typeof TABS)[number];
const TAB_NAMES: Record<Tab, string> = { commands: 'Commands', charts: 'Charts', verdict: 'Verdict & tape', compare: 'Compare modes' };

export function Playground() {
  const pg = usePlayground();
  const { scenario, run, frame, time } = pg;
  const [tab, setTab] = useState<Tab>('verdict');
  const [help, setHelp] = useState(false);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [exchange, setExchange] = useState<ExchangeView | null>(null);
  // The tape unit follows the block size: one record ≤ 65535 bytes (backup-form.ts).
  const [backupForm, setBackupForm] = useState<BackupForm>(() => ({ lba: 0, blocks: 0, transferBlocks: transferBounds(scenario.geometry).dflt, check: 'unit' }));
  const { blocks: volBlocks, blockBytes } = scenario.geometry;
  useEffect(() => {
    setBackupForm((f) => ({
      ...f, transferBlocks: transferBounds({ blocks: volBlocks, blockBytes }).dflt,
      lba: Math.min(f.lba, volBlocks - 1), blocks: f.lba + f.blocks > volBlocks ? 0 : f.blocks,
    }));
  }, [volBlocks, blockBytes]);
  const shareRef = useRef<(() => void) | null>(null);
  // Not in the permalink: a link carries the scenario only (the live run is this browser's).
  const [runtime, setRuntime] = useState<'sim' | 'live'>('sim');
  const live = useLive(runtime === 'live');
  const switchRuntime = (r: 'sim' | 'live') => {
    // Leaving Live mid-run would strand the run's view: stay until it ends.
    if (live.phase === 'running') return;
    if (r === 'live' && pg.playing) pg.togglePlay();
    setRuntime(r);
  };

  // The selected command on the wire, asked of the worker (it knows the run's answers).
  useEffect(() => {
    if (!run || !selection) { setExchange(null); return; }
    let live = true;
    pg.bridge.api.exchange(selection.kind === 'poll' ? -1 : selection.index, time)
      .then((x) => live && setExchange(x), () => live && setExchange(null));
    return () => { live = false; };
  }, [run, selection, selection?.kind === 'poll' ? time : 0]);

  const addAtPlayhead = (op: 'create' | 'split' | 'resync' | 'backup') => {
    const at = Math.round(time * 1000) / 1000;
    const cmd = op === 'backup' ? { at, op, ...backupForm } : { at, op };
    const script = insertCommand(scenario.script, cmd);
    pg.change({ ...scenario, script });
    setSelection({ kind: 'script', index: script.indexOf(cmd) });
    setTab('commands');
  };

  /**
   * A restore of a catalog point, from the tape panel (shown on the Commands tab): the panel
   * shows the tape as the run left it, so the restore goes after the script's last command
   * (or at the playhead, if that is later).
   */
  const restoreAtEnd = (point: number, to: 'disk' | 'svol') => {
    const last = scenario.script.reduce((t, c) => Math.max(t, c.at), 0);
    const cmd = { at: Math.round(Math.max(time, last) * 1000) / 1000, op: 'restore' as const, point, to };
    const script = insertCommand(scenario.script, cmd);
    pg.change({ ...scenario, script });
    setSelection({ kind: 'script', index: script.indexOf(cmd) });
    setTab('commands');
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (help) return;
      const a = actionFor(e);
      if (!a) return;
      // In Live the sim's timeline keys do nothing; the runtime switch, help and share still work.
      if (runtime === 'live' && a !== 'runtime' && a !== 'help' && a !== 'share') return;
      e.preventDefault();
      switch (a) {
        case 'play': pg.togglePlay(); break;
        case 'step': pg.step(1); break;
        case 'back': pg.step(-1); break;
        case 'home': pg.seek(0); break;
        case 'end': pg.seek(run?.endT ?? 0); break;
        case 'create': case 'split': case 'resync': case 'backup': addAtPlayhead(a); break;
        case 'poll': setSelection({ kind: 'poll' }); setTab('commands'); break;
        case 'compare': setTab('compare'); pg.compare(); break;
        case 'share': shareRef.current?.(); break;
        case 'help': setHelp(true); break;
        case 'runtime': switchRuntime(runtime === 'sim' ? 'live' : 'sim'); break;
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  const f = frame;
  const diverged = !!f && f.state516 !== f.state517;
  const img = pg.image;
  // A file dropped anywhere on the playground is an image upload (its answer is on the verdict tab).
  const onDrop = (e: DragEvent) => {
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    e.preventDefault();
    setTab('verdict');
    void img.load(file);
  };
  return (
    <div class="playground" data-testid="playground" data-ready={run ? 'yes' : 'no'}
      data-time={time.toFixed(3)} data-frame-t={f ? f.t.toFixed(3) : ''} data-image={img.image ? 'uploaded' : 'seeded'}
      onDragOver={(e) => { if (e.dataTransfer?.types.includes('Files')) e.preventDefault(); }} onDrop={onDrop}>
      <Toolbar scenario={scenario} onChange={pg.change} onHelp={() => setHelp(true)} shareRef={shareRef} imageInUse={!!img.image}
        runtime={runtime} onRuntime={switchRuntime} />
      {pg.linkMessage && (
        <div class="banner" role="alert" data-testid="link-error">
          {pg.linkMessage} <button type="button" class="link" onClick={pg.dismissLink}>dismiss</button>
        </div>
      )}
      {pg.runError && <div class="banner" role="alert" data-testid="run-error">{pg.runError}</div>}
      {img.image && (
        <div class="banner info" data-testid="image-banner">
          Running from the uploaded image <b>{img.image.name}</b>, not the seeded content; a shared link runs from the seeded content.{' '}
          <button type="button" class="link" onClick={() => setTab('verdict')}>details</button>
        </div>
      )}
      {runtime === 'live' ? <LiveView scenario={scenario} live={live} /> : <>
      <div class="main-grid">
        <section class="panel" aria-label="The array (Fig. 1)">
          <h2>The array (Fig. 1) <span class="muted">— parts light up while they work</span></h2>
          <Fig1Array busy={f?.busy ?? []} state516={f?.state516 ?? '…'} state517={f?.state517 ?? '…'} />
          <div class="pair-states" data-testid="pair-states" data-diverged={String(diverged)}>
            <div class="pair-state" data-diverged={String(diverged)}>
              <span class="ref">516</span> pair state, P-VOL side <b data-testid="state-516">{f?.state516 ?? '…'}</b>
            </div>
            <div class="pair-state" data-diverged={String(diverged)}>
              <span class="ref">517</span> pair state, S-VOL side <b data-testid="state-517">{f?.state517 ?? '…'}</b>
            </div>
          </div>
          <div class="heats">
            <BitmapHeatmap tag="514" label="differential: pending" testId="heat-514" hue={20}
              view={f?.diff514 ?? { nBlocks: scenario.geometry.blocks, setCount: 0 }} range={f?.backupRange} />
            <BitmapHeatmap tag="post-split" label="changes" testId="heat-post" hue={265}
              view={f?.postSplit ?? { nBlocks: scenario.geometry.blocks, setCount: 0 }} range={f?.backupRange} />
          </div>
          <ProgressBars items={f?.progress ?? []} />
        </section>
        <section class="panel" aria-label="Timeline">
          <h2>Timeline <span class="muted">— lanes as in Figs. 4, 6, 9, 11</span></h2>
          <Transport time={time} endT={run?.endT ?? 0} playing={pg.playing} speed={pg.speed} disabled={!run}
            onPlay={pg.togglePlay} onStep={pg.step} onSeek={pg.seek} onSpeed={pg.setSpeed} />
          <p class="mini-verdict" data-testid="mini-verdict">
            {run ? (run.result.verified ? '✔ point-in-time verified' : '✘ point-in-time check failed') : pg.runError ? '' : 'Running the sim…'}
            {run && <span class="muted"> · {run.events.length} events · split ack {run.result.splitAckMs?.toFixed(3) ?? '—'} ms · backup done {run.result.backupDoneMs?.toFixed(3) ?? '—'} ms</span>}
          </p>
          <SequenceDiagram events={run?.events ?? []} time={time} follow onSeek={pg.seek} digest={run?.digest} />
        </section>
      </div>
      <div class="tabs">
        <div class="tablist" role="tablist" aria-label="Details">
          {TABS.map((t) => (
            <button type="button" role="tab" key={t} id={`tab-${t}`} aria-selected={tab === t} aria-controls={`panel-${t}`}
              data-testid={`tab-${t}`} onClick={() => setTab(t)}>{TAB_NAMES[t]}</button>
          ))}
        </div>
        <div class="tabpanel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
          {tab === 'commands' && (
            <CommandPanel scenario={scenario} time={time} selection={selection} exchange={exchange}
              onSelect={setSelection} onScript={(script) => pg.change({ ...scenario, script })}
              backupForm={backupForm} onBackupForm={setBackupForm} />
          )}
          {tab === 'charts' && (run ? <Charts series={run.series} time={time} /> : <p class="muted">Running…</p>)}
          {tab === 'verdict' && (
            <>
              <Verdict result={run?.result ?? null} tape={run?.tape ?? null} counters={frame?.counters ?? null} />
              <TapeCatalog tape={run?.tape ?? null} onRestore={scenario.script.length < LIMITS.maxScript ? restoreAtEnd : undefined} />
              <ImageUpload image={img.image} message={img.message} blockBytes={blockBytes}
                onFile={(file) => void img.load(file)} onClear={img.clear} onDismiss={img.dismiss} />
            </>
          )}
          {tab === 'compare' && <CompareTable rows={pg.compareRows} busy={pg.comparing} onRun={pg.compare} />}
        </div>
      </div>
      </>}
      <HelpDialog open={help} onClose={() => setHelp(false)} />
    </div>
  );
}
