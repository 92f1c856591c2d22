/**
 * What the live view draws at a moment, derived from the events the live runtime logged
 * so far: in the live runtime the view fills as things happen. The live runtime has
 * no seekable snapshot like the sim's, so the frame is read off the event log alone:
 * pair states from the state-changing events (docs/patent.md#pair-states), lit parts from
 * the events near the playhead, the backup's progress from the tape writes (503 → 303).
 * Pure functions, so the same code serves the running view and scrubbing afterwards.
 */
import type { Actor, SimEvent } from '../../src/array/events.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { backupRange } from './frame-adapter.ts';
import type { ProgressView } from './view-model.ts';

export interface LiveFrame {
  t: number;
  state516: string;
  state517: string;
  busy: Actor[];
  progress: ProgressView[];
  /** Events at or before t. */
  seen: number;
}

/** A part stays lit this long after an event of its own (wall-clock ms in the live runtime). */
export const LIT_MS = 25;

/** The pair states after applying one event (the states 501 and 508 report in their details). */
export function applyPairEvent(s: { p516: string; s517: string }, e: SimEvent): { p516: string; s517: string } {
  const d = e.detail ?? {};
  // 501 answers every pair command (split.ack, create.ack, …, split.done to 502) with both
  // states when it was accepted (§0026 quick split: 516 split at once, 517 split-pending).
  if (e.actor === '501' && typeof d.p516 === 'string' && typeof d.s517 === 'string') return { p516: d.p516, s517: d.s517 };
  switch (e.ev) {
    case 'split.complete': return { ...s, s517: typeof d.state517 === 'string' ? d.state517 : 'split' };
    case 'pair.duplex': return { p516: 'duplex', s517: 'duplex' };
    case 'pair.suspended': return { p516: 'suspended', s517: 'suspended' };
    default: return s;
  }
}

/** The frame at time t over a time-sorted event log. */
export function liveFrameAt(events: readonly SimEvent[], t: number, scenario: Scenario): LiveFrame {
  let st: { p516: string; s517: string } = { p516: scenario.initial.pair, s517: scenario.initial.pair };
  const busy = new Set<Actor>();
  let tapeBlocks = 0, seen = 0;
  for (const e of events) {
    if (e.t > t) break;
    seen++;
    st = applyPairEvent(st, e);
    if (e.ev === 'tape.write' && typeof e.detail?.n === 'number') tapeBlocks += e.detail.n;
    if (e.t > t - LIT_MS) { busy.add(e.actor); if (e.to) busy.add(e.to); }
  }
  const range = backupRange(scenario);
  const total = range ? range[1] - range[0] : 0;
  const progress: ProgressView[] = [{ label: 'backup to tape', done: Math.min(tapeBlocks, total), total }];
  return { t, state516: st.p516, state517: st.s517, busy: [...busy], progress, seen };
}

/** The time of the last event (the live timeline's end so far). */
export function endTime(events: readonly SimEvent[]): number {
  return events.length ? events[events.length - 1].t : 0;
}
