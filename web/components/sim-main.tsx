/**
 * The sim's two main panels: the array (Fig. 1, the pair states, the two bitmaps, the
 * progress bars) and the timeline (the mode's key moment, the transport, the verdict line,
 * the sequence diagram). The story comes before the verdict: the verdict line waits for
 * the playhead to reach the backup's end; a bad block is marked on the maps and in the
 * timeline once the playhead has passed the read that took it stale.
 */
import { useMemo } from 'preact/hooks';
import type { Scenario } from '../../src/scenario/schema.ts';
import { backupRange } from '../ui/frame-adapter.ts';
import { badBlockTrail, keyMoment, verdictTime } from '../ui/key-moments.ts';
import { MODE_LABELS } from '../ui/presets.ts';
import type { usePlayground } from '../ui/use-playground.ts';
import { BitmapHeatmap } from './bitmap-heatmap.tsx';
import { ProgressBars, unitsNote } from './charts.tsx';
import { Fig1Array } from './fig1-array.tsx';
import { PairStates } from './pair-states.tsx';
import { SequenceDiagram, type SeqMark } from './sequence-diagram.tsx';
import { Transport } from './transport.tsx';
import { failureText } from '../ui/verdict-text.ts';

const UNIT = 'simulated ms';
const f3 = (t: number) => t.toFixed(3);

export function SimMain({ pg, focusRow = null }: { pg: ReturnType<typeof usePlayground>; focusRow?: number | null }) {
  const { scenario, run, frame: f, time } = pg;
  const events = run?.events ?? [];
  const story = useMemo(() => {
    if (!run) return null;
    const moment = keyMoment(scenario.mode, run.events);
    const bad = run.result.firstBadBlock;
    const trail = bad === null ? null : badBlockTrail(run.events, bad);
    const reportedOk = run.events.some((e) => e.ev === 'backup.report' && e.detail?.ok === true);
    return { moment, trail, reportedOk, vTime: verdictTime(run.events, run.endT) };
  }, [run]);
  const t = (i: number) => (i >= 0 ? events[i].t : Infinity);
  const readT = story?.trail ? t(story.trail.readIndex) : Infinity;
  const marks: SeqMark[] = [];
  if (story?.moment) marks.push({ index: story.moment.index, kind: 'key', label: `key moment: ${story.moment.title}` });
  if (story?.trail && time >= readT) marks.push({ index: story.trail.readIndex, kind: 'bad', label: `block ${story.trail.block} read stale` });
  if (story?.trail && time >= t(story.trail.reportIndex)) marks.push({ index: story.trail.reportIndex, kind: 'bad', label: 'reported success; the tape is wrong' });
  const badMark = story?.trail && time >= readT ? { block: story.trail.block, label: `block ${story.trail.block}: stale on tape` } : null;
  const played = !!story && time >= story.vTime;
  const range = f?.backupRange ?? backupRange(scenario);
  const firstBackup = scenario.script.find((c) => c.op === 'backup');
  const nBlocks = scenario.geometry.blocks;
  return (
    <div class="main-grid">
      <section class="panel" aria-label="The array (Fig. 1)">
        <h2>The array <span class="muted">(the patent’s Fig. 1) — parts light up while they work</span></h2>
        <Fig1Array busy={f?.busy ?? []} state516={f?.state516 ?? '…'} state517={f?.state517 ?? '…'} />
        <PairStates p516={f?.state516 ?? '…'} s517={f?.state517 ?? '…'} />
        <div class="heats">
          <BitmapHeatmap tag="514" label="Differential bitmap" testId="heat-514" hue={20} setMeaning="pending: not yet on the S-VOL"
            view={f?.diff514 ?? { nBlocks, setCount: 0 }} range={range} blockBytes={scenario.geometry.blockBytes} mark={badMark} />
          <BitmapHeatmap tag="" label="Written after the split" testId="heat-post" hue={265} setMeaning="changed since the split"
            view={f?.postSplit ?? { nBlocks, setCount: 0 }} range={range} blockBytes={scenario.geometry.blockBytes} />
        </div>
        <ProgressBars items={f?.progress ?? []} note={unitsNote(scenario.geometry.blockBytes, firstBackup?.op === 'backup' ? firstBackup.transferBlocks : null)} />
      </section>
      <section class="panel" aria-label="Timeline">
        <h2>Timeline <span class="muted">— one lane per part, as in the patent’s Figs. 4, 6, 9, 11</span></h2>
        <KeyMomentLine scenario={scenario} moment={story?.moment ?? null} time={time} onSeek={pg.seek} ready={!!run} />
        <Transport time={time} endT={run?.endT ?? 0} playing={pg.playing} speed={pg.speed} disabled={!run} unit={UNIT}
          onPlay={pg.togglePlay} onStep={pg.step} onSeek={pg.seek} onSpeed={pg.setSpeed}
          ticks={[
            ...(story?.moment ? [{ t: story.moment.t, label: `key moment: ${story.moment.title}`, kind: 'key' as const }] : []),
            ...(story?.trail && readT < Infinity && time >= readT ? [{ t: readT, label: `block ${story.trail.block} read stale`, kind: 'bad' as const }] : []),
          ]} />
        <p class="mini-verdict" data-testid="mini-verdict" data-played={String(played)}>
          {!run && (pg.runError ? '' : 'Running the sim…')}
          {run && !played && <>The verdict comes when the backup has ended, at {f3(story!.vTime)} {UNIT}.{' '}
            <button type="button" class="link" onClick={() => pg.seek(run.endT)}>Go to the end</button></>}
          {run && played && (run.result.verified
            ? <>✔ point-in-time verified: the tape holds the split-instant image</>
            : <>✘ point-in-time check failed. <span class="bad-why">{failureText(run.result, story!.reportedOk)}</span></>)}
          {run && <span class="muted"> · {run.events.length.toLocaleString('en')} events · split answered after {run.result.splitAckMs?.toFixed(3) ?? '—'} ms</span>}
        </p>
        <SequenceDiagram events={events} time={time} follow onSeek={pg.seek} digest={run?.digest} unit={UNIT} marks={marks} focusRow={focusRow} />
      </section>
    </div>
  );
}

function KeyMomentLine({ scenario, moment, time, onSeek, ready }: {
  scenario: Scenario; moment: ReturnType<typeof keyMoment>; time: number; onSeek: (t: number) => void; ready: boolean;
}) {
  if (!ready) return <div class="key-moment" data-testid="key-moment" data-t="">&nbsp;</div>;
  if (!moment) {
    return (
      <div class="key-moment" data-testid="key-moment" data-t="">
        {MODE_LABELS[scenario.mode]}: this run has no key moment (nothing was pending where the mode acts).
      </div>
    );
  }
  const reached = time >= moment.t;
  return (
    <div class={`key-moment${reached ? ' reached' : ''}`} data-testid="key-moment" data-t={f3(moment.t)} data-mode={scenario.mode}>
      <span class="key-star" aria-hidden="true">★</span> Key moment of <b>{MODE_LABELS[scenario.mode]}</b>: {moment.title},
      at {f3(moment.t)} {UNIT}{' '}
      <button type="button" onClick={() => onSeek(moment.t)} data-testid="go-moment">Go there</button>
      <p class="key-text" data-testid="key-text">{moment.text}</p>
    </div>
  );
}
