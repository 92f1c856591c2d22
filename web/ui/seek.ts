/**
 * Stepping the playhead through the event log, so the timeline can be played, paused,
 * stepped and scrubbed. Pure, over the sorted log, with the binary search the
 * sequence diagram also uses, so the keys and the tests agree.
 */
import type { SimEvent } from '../../src/array/events.ts';

/** Index of the last event with t <= time (-1 if none): binary search, events are sorted. */
export function lastEventAtOrBefore(events: readonly SimEvent[], time: number): number {
  let lo = 0, hi = events.length - 1, ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid].t <= time) { ans = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return ans;
}

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
