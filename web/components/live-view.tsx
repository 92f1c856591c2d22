/**
 * The playground's Live runtime view, whose timeline fills as things happen. Run starts
 * the live runtime (docs/live.md: one worker per processor, volumes and tape in OPFS) with
 * the toolbar's scenario and mode; Fig. 1's parts, the 516/517 states, the progress bars
 * and the sequence diagram fill from the bridge's polls. While it runs the timeline only
 * follows the clock; afterwards it is scrubbed, stepped and played over the recorded events
 * like the sim's. Quota refusals and errors are shown as they are worded by the runtime
 * (src/runtime/live/quota.ts).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Scenario } from '../../src/scenario/schema.ts';
import { formatBytes } from '../../src/runtime/live/quota.ts';
import { lastTape } from '../live/live-bridge.ts';
import { tapeOf } from '../ui/frame-adapter.ts';
import { liveFrameAt } from '../ui/live-frame.ts';
import { stepTime } from '../ui/seek.ts';
import type { useLive } from '../ui/use-live.ts';
import { ProgressBars } from './charts.tsx';
import { Fig1Array } from './fig1-array.tsx';
import { SequenceDiagram } from './sequence-diagram.tsx';
import { Transport } from './transport.tsx';
import { Verdict } from './verdict.tsx';
import { TapeCatalog } from './tape-catalog.tsx';

interface Props { scenario: Scenario; live: ReturnType<typeof useLive> }

const bytes = (n: number | null) => (n === null ? '—' : formatBytes(n));

export function LiveView({ scenario, live }: Props) {
  const { phase, events, time, endT, progress, storage } = live;
  const running = phase === 'running';
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(100);
  const f = liveFrameAt(events, time, scenario);
  const diverged = f.state516 !== f.state517;

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
  return (
    <>
      <div class="toolbar" data-testid="live-bar" data-phase={phase}>
        <button type="button" class="primary" data-testid="live-run" disabled={running}
          onClick={() => live.run(scenario)} title="Run the scenario in the live runtime">
          {running ? 'Running live…' : 'Run'}
        </button>
        <span data-testid="live-status" aria-live="polite">
          {phase === 'idle' && 'Live: every processor in its own worker, volumes and tape in OPFS. Press Run.'}
          {running && (progress
            ? `t ${progress.t.toFixed(0)} ms · client writes ${progress.acked}/${progress.writes} acknowledged · split ${progress.splitAcked ? 'acknowledged' : 'not yet'} · backup ${progress.backup}`
            : 'Starting the workers…')}
          {phase === 'done' && `Finished: ${events.length} events recorded; scrub the timeline.`}
        </span>
        <span class="muted" data-testid="live-storage">
          {storage ? `storage: ${bytes(storage.usage)} used of ${bytes(storage.quota)}${storage.persisted ? ' (persistent)' : ''} · ${storage.files.length} playground files` : 'storage: —'}
        </span>
      </div>
      {live.error && <div class="banner" role="alert" data-testid="live-error">{live.error}</div>}
      <div class="main-grid">
        <section class="panel" aria-label="The array (Fig. 1), live">
          <h2>The array (Fig. 1) <span class="muted">— live</span></h2>
          <Fig1Array busy={f.busy} state516={f.state516} state517={f.state517} />
          <div class="pair-states" data-testid="pair-states" data-diverged={String(diverged)}>
            <div class="pair-state" data-diverged={String(diverged)}>
              <span class="ref">516</span> pair state, P-VOL side <b data-testid="state-516">{f.state516}</b>
            </div>
            <div class="pair-state" data-diverged={String(diverged)}>
              <span class="ref">517</span> pair state, S-VOL side <b data-testid="state-517">{f.state517}</b>
            </div>
          </div>
          <ProgressBars items={running && progress ? [...f.progress, { label: 'client writes acknowledged', done: progress.acked, total: progress.writes }] : f.progress} />
        </section>
        <section class="panel" aria-label="Timeline, live" data-testid="live-timeline" data-events={events.length}>
          <h2>Timeline <span class="muted">— wall-clock ms of the live run</span></h2>
          <Transport time={time} endT={endT} playing={playing} speed={speed} disabled={running || events.length === 0}
            onPlay={() => { if (time >= endT) live.seek(0); setPlaying(!playing); }}
            onStep={(d) => { setPlaying(false); live.seek(stepTime(events, time, d)); }}
            onSeek={live.seek} onSpeed={setSpeed} />
          <SequenceDiagram events={events} time={time} follow={running || playing} onSeek={live.seek} />
        </section>
      </div>
      {(running || phase === 'done') && <Verdict result={live.result} tape={tape} counters={null} />}
      {phase === 'done' && <TapeCatalog tape={tape} />}
    </>
  );
}
