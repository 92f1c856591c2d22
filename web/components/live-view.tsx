/**
 * The playground's Live runtime view. Run starts the live runtime (one worker per
 * processor, volumes and tape in OPFS) with the toolbar's scenario and mode. While it runs,
 * Fig. 1, the pair states, the two maps, the progress bars and the charts fill from the
 * bridge's polls (web/ui/use-live.ts), as the sim's do; afterwards the recorded events are
 * scrubbed, stepped and played like the sim's, the maps following the samples. Every time
 * is wall-clock ms since the run began; the figures are set beside the sim's, with what
 * each measures. Quota refusals and errors are shown as the runtime words them.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Scenario } from '../../src/scenario/schema.ts';
import { formatBytes } from '../../src/runtime/live/quota.ts';
import { lastFigures, lastTape } from '../live/live-bridge.ts';
import { backupRange, tapeOf } from '../ui/frame-adapter.ts';
import { liveFrameAt } from '../ui/live-frame.ts';
import { liveSeries, mapsOf, progressOf, sampleAt } from '../ui/live-series.ts';
import { stepTime } from '../ui/seek.ts';
import type { useLive } from '../ui/use-live.ts';
import type { ResultView } from '../ui/view-model.ts';
import { BitmapHeatmap } from './bitmap-heatmap.tsx';
import { Charts, ProgressBars, unitsNote } from './charts.tsx';
import { Fig1Array } from './fig1-array.tsx';
import { LiveFigures } from './live-figures.tsx';
import { PairStates } from './pair-states.tsx';
import { SequenceDiagram } from './sequence-diagram.tsx';
import { Transport } from './transport.tsx';
import { Verdict } from './verdict.tsx';
import { TapeCatalog } from './tape-catalog.tsx';

/**
 * `simBusy`: the page's sim is still computing this scenario (or a Compare): Run waits for
 * it, since both would share this machine's cores and the live figures would measure the
 * sim's work as much as the array's.
 */
interface Props { scenario: Scenario; live: ReturnType<typeof useLive>; simResult: ResultView | null; simBusy: boolean }

const UNIT = 'wall-clock ms';
const bytes = (n: number | null) => (n === null ? '—' : formatBytes(n));
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function LiveView({ scenario, live, simResult, simBusy }: Props) {
  const { phase, events, time, endT, progress, storage, samples, backupDoneAt } = live;
  const running = phase === 'running';
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1000);
  const f = liveFrameAt(events, time, scenario);
  const sample = sampleAt(samples, time) ?? samples[0] ?? null;
  const range = backupRange(scenario);
  const total = range ? range[1] - range[0] : 0;
  const maps = sample ? mapsOf(sample.state) : null;
  const series = useMemo(() => liveSeries(samples, scenario.geometry.blockBytes), [samples, scenario.geometry.blockBytes]);
  const firstBackup = scenario.script.find((c) => c.op === 'backup');

  // Replay of the recorded run: advance the playhead with the wall clock at `speed` ms/s.
  useEffect(() => {
    if (!playing || running) return;
    let raf = 0, last = performance.now(), t = time;
    const tick = (now: number) => {
      t = Math.min(endT, t + ((now - last) / 1000) * speed);
      last = now;
      live.seek(t);
      if (t >= endT) { setPlaying(false); return; }
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [playing, running, speed, endT]);
  useEffect(() => { if (running) setPlaying(false); }, [running]);

  // The tape image 503 wrote to OPFS (tape-303.aws), read back at the end: files, blocks, download.
  const raw = live.raw;
  const tape = useMemo(() => (raw ? (lastTape ? tapeOf(lastTape) : { files: [], totalBytes: raw.tapeBytes, image: null, catalog: null }) : null), [raw]);
  const progressRows = sample ? progressOf(sample.state, total) : f.progress;
  return (
    <>
      <div class="toolbar" data-testid="live-bar" data-phase={phase}>
        <button type="button" class="primary" data-testid="live-run" disabled={running || simBusy} data-sim-busy={simBusy ? 'true' : 'false'}
          onClick={() => live.run(scenario)} title="Run the scenario in the live runtime">
          {running ? 'Running live…' : simBusy ? 'Waiting for the sim…' : 'Run live'}
        </button>
        <span data-testid="live-status" aria-live="polite">
          {!running && simBusy && 'The sim is still computing this scenario on this machine’s cores; Run live is ready once it is done, so the live figures measure the array alone. '}
          {phase === 'idle' && 'Runs the same controller for real: each processor in its own worker, the volumes and the tape as files in this browser’s storage. Press Run live.'}
          {running && !progress && 'Starting the workers…'}
          {running && progress && (backupDoneAt === null
            ? `Running for ${sec(progress.t)} · client writes ${progress.acked.toLocaleString('en')} of ${progress.writes.toLocaleString('en')} acknowledged · split ${progress.splitAcked ? 'answered' : 'not yet'} · backup ${progress.backup}`
            : `Backup done at ${sec(backupDoneAt)}. Still running: the client’s scripted writes drain (${progress.acked.toLocaleString('en')} of ${progress.writes.toLocaleString('en')} acknowledged); the run ends when the last is answered.`)}
          {phase === 'done' && `Finished: the run took ${endT.toFixed(1)} wall-clock ms (${sec(lastFigures?.wallMs ?? endT)} with setting up the workers and files); ${events.length.toLocaleString('en')} events recorded. Scrub the timeline.`}
        </span>
        <span class="muted" data-testid="live-storage">
          {storage ? `storage: ${bytes(storage.usage)} used of ${bytes(storage.quota)}${storage.persisted ? ' (persistent)' : ''} · ${storage.files.length} playground files` : 'storage: —'}
        </span>
      </div>
      {live.error && <div class="banner" role="alert" data-testid="live-error">{live.error}</div>}
      <LiveFigures scenario={scenario} live={live.result} sim={simResult} done={phase === 'done'} />
      <div class="main-grid">
        <section class="panel" aria-label="The array (Fig. 1), live">
          <h2>The array <span class="muted">(Fig. 1) — live</span></h2>
          <Fig1Array busy={f.busy} state516={f.state516} state517={f.state517} />
          <PairStates p516={f.state516} s517={f.state517} />
          <div class="heats">
            <BitmapHeatmap tag="514" label="Differential bitmap" testId="heat-514" hue={20} setMeaning="pending: not yet on the S-VOL"
              view={maps?.diff514 ?? { nBlocks: scenario.geometry.blocks, setCount: 0 }} range={range} blockBytes={scenario.geometry.blockBytes} />
            <BitmapHeatmap tag="" label="Written after the split" testId="heat-post" hue={265} setMeaning="changed since the split"
              view={maps?.postSplit ?? { nBlocks: scenario.geometry.blocks, setCount: 0 }} range={range} blockBytes={scenario.geometry.blockBytes} />
          </div>
          <ProgressBars items={running && progress ? [...progressRows, { label: 'client writes acknowledged', done: progress.acked, total: progress.writes }] : progressRows}
            note={unitsNote(scenario.geometry.blockBytes, firstBackup?.op === 'backup' ? firstBackup.transferBlocks : null) + ' Maps sampled from the array’s memory a few times a second.'} />
        </section>
        <section class="panel" aria-label="Timeline, live" data-testid="live-timeline" data-events={events.length}>
          <h2>Timeline <span class="muted">— wall-clock ms since the live run began</span></h2>
          <Transport time={time} endT={endT} playing={playing} speed={speed} disabled={running || events.length === 0} unit={UNIT}
            onPlay={() => { if (time >= endT) live.seek(0); setPlaying(!playing); }}
            onStep={(d) => { setPlaying(false); live.seek(stepTime(events, time, d)); }}
            onSeek={live.seek} onSpeed={setSpeed} />
          <SequenceDiagram events={events} time={time} follow={running || playing} onSeek={live.seek} unit={UNIT} />
        </section>
      </div>
      {series.t.length >= 2 && (
        <section class="panel live-charts" aria-label="Charts, live">
          <h2>Charts <span class="muted">— sampled during the live run</span></h2>
          <Charts series={series} time={time} xUnit={UNIT} />
        </section>
      )}
      {(running || phase === 'done') && <Verdict result={live.result} tape={tape} counters={null} unit={UNIT} />}
      {phase === 'done' && <TapeCatalog tape={tape} />}
    </>
  );
}
