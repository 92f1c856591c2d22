/**
 * The playground below the page header: the toolbar and the link message; the sim's two
 * panels (sim-main.tsx) or the live run's (live-view.tsx); tabs for commands, charts,
 * verdict/tape and compare; the tour, help, and the keyboard.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Mode } from '../../src/scenario/schema.ts';
import { usePlayground } from '../ui/use-playground.ts';
import { actionFor } from '../ui/keyboard.ts';
import { withMode } from '../ui/presets.ts';
import { tourCtx, useTour } from '../ui/use-tour.ts';
import { verdictTime } from '../ui/key-moments.ts';
import { Toolbar } from './toolbar.tsx';
import { Charts } from './charts.tsx';
import { CommandPanel, insertCommand, type BackupForm, type Selection } from './command-panel.tsx';
import { Verdict } from './verdict.tsx';
import { CompareTable } from './compare-table.tsx';
import { TapeCatalog } from './tape-catalog.tsx';
import { HelpDialog } from './help-dialog.tsx';
import { transferBounds } from '../ui/backup-form.ts';
import { ImageUpload } from './image-upload.tsx';
import { LiveView } from './live-view.tsx';
import { setPageSimBusy } from '../ui/page-sim.ts';
import { SimMain } from './sim-main.tsx';
import { Tour } from './tour.tsx';
import { LinkBanner } from './link-banner.tsx';
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
  const tour = useTour(pg, setTab);
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
    if (r === 'live') tour.close();
    setRuntime(r);
  };
  const openTour = (i = 0) => { if (live.phase !== 'running') { setRuntime('sim'); tour.open(i); } };
  // The sim computes this scenario (or a Compare): a live run waits, from the Live tab or the
  // API. Told as it renders, not in an effect (effects run after the paint, and a run asked
  // for meanwhile would not wait).
  const simBusy = (!run && !pg.runError) || pg.comparing;
  setPageSimBusy(simBusy);
  useEffect(() => () => setPageSimBusy(false), []);

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

  /** Opens a mode (its sibling preset when there is one) at its key moment. */
  const showMoment = (mode: Mode) => {
    pg.afterRun((r) => { if (r.result.keyMoment) pg.seek(r.result.keyMoment.t); }, withMode(scenario, mode));
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
      if (runtime === 'live' && a !== 'runtime' && a !== 'help' && a !== 'share' && a !== 'tour') return;
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
        case 'tour': openTour(0); break;
        case 'runtime': switchRuntime(runtime === 'sim' ? 'live' : 'sim'); break;
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  const img = pg.image;
  // A file dropped anywhere on the playground is an image upload (its answer is on the verdict tab).
  const onDrop = (e: DragEvent) => {
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    e.preventDefault();
    setTab('verdict');
    void img.load(file);
  };
  const vTime = run ? verdictTime(run.events, run.endT) : Infinity;
  return (
    <div class="playground" data-testid="playground" data-ready={run ? 'yes' : 'no'}
      data-time={time.toFixed(3)} data-frame-t={frame ? frame.t.toFixed(3) : ''} data-image={img.image ? 'uploaded' : 'seeded'}
      onDragOver={(e) => { if (e.dataTransfer?.types.includes('Files')) e.preventDefault(); }} onDrop={onDrop}>
      <Toolbar scenario={scenario} onChange={pg.change} onHelp={() => setHelp(true)} onTour={() => openTour(0)} shareRef={shareRef}
        imageInUse={!!img.image} runtime={runtime} onRuntime={switchRuntime} />
      <p class="preset-about" data-testid="preset-about">{scenario.name}</p>
      {pg.linkMessage && <LinkBanner message={pg.linkMessage} hash={pg.badHash} onReset={pg.resetLink} onDismiss={pg.dismissLink} />}
      {pg.runError && <div class="banner" role="alert" data-testid="run-error">{pg.runError}</div>}
      {img.image && (
        <div class="banner info" data-testid="image-banner">
          Running from the uploaded image <b>{img.image.name}</b>, not the seeded content; a shared link runs from the seeded content.{' '}
          <button type="button" class="link" onClick={() => setTab('verdict')}>details</button>
        </div>
      )}
      {runtime === 'live' ? <LiveView scenario={scenario} live={live} simResult={run?.result ?? null}
        simBusy={simBusy} /> : <>
      <SimMain pg={pg} focusRow={tour.focusRow} />
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
              <Verdict result={run?.result ?? null} tape={run?.tape ?? null} counters={frame?.counters ?? null}
                played={time >= vTime} reportedOk={run ? run.events.some((e) => e.ev === 'backup.report' && e.detail?.ok === true) : null} />
              <TapeCatalog tape={run?.tape ?? null} onRestore={scenario.script.length < LIMITS.maxScript ? restoreAtEnd : undefined} />
              <ImageUpload image={img.image} message={img.message} blockBytes={blockBytes}
                onFile={(file) => void img.load(file)} onClear={img.clear} onDismiss={img.dismiss} />
            </>
          )}
          {tab === 'compare' && <CompareTable rows={pg.compareRows} busy={pg.comparing} onRun={pg.compare} onMoment={showMoment} />}
        </div>
      </div>
      </>}
      <Tour tour={tour} ctx={run ? tourCtx(run, volBlocks) : null} />
      <HelpDialog open={help} onClose={() => setHelp(false)} onTour={() => openTour(0)} />
    </div>
  );
}
