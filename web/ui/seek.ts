/**
 * Stepping the playhead through the event log (issue 7: the timeline "can be played,
 * paused, stepped and scrubbed"; Raft Scope's step, STYLE.md). Pure, over the sorted log,
 * with the sequence diagram's binary search, so the keys and the tests agree.
 */
import type { SimEvent } from '../../src/runtime/events.ts';
import { lastEventAtOrBefore } from '../components/sequence-diagram.tsx';

/**
 * The time of the next event strictly after `time` (dir 1; `time` itself at the end of the
 * log), or of the last event strictly before it (dir -1; 0 before the first).
 */
export function stepTime(events: readonly Pick<SimEvent, 't'>[], time: number, dir: 1 | -1): number {
  let k = lastEventAtOrBefore(events as readonly SimEvent[], time);
  if (dir > 0) {
    k++;
    while (k < events.length && events[k]!.t <= time) k++;
    return k < events.length ? events[k]!.t : time;
  }
  while (k >= 0 && events[k]!.t >= time) k--;
  return k >= 0 ? events[k]!.t : 0;
}
