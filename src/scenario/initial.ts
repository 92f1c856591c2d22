/**
 * The pair's state at t = 0, as both runtimes seed it (the sim's seedVolumes in
 * src/runtime/sim.ts, the live runtime's src/runtime/live/seed-live.ts), so a scenario starts
 * from the same pending set in both and their results compare.
 */
import { Prng } from '../core/prng.ts';
import type { Scenario } from './schema.ts';

/** The pending blocks (sorted) and how many of them start dirty in cache, as the sim picks them. */
export function initialPending(s: Scenario): { pending: number[]; nDirty: number } {
  const { blocks, cacheSlots } = s.geometry;
  if (s.initial.pair === 'simplex') return { pending: [], nDirty: 0 };
  const order = Int32Array.from({ length: blocks }, (_, i) => i);
  const rng = new Prng(s.seed ^ 0x27d4eb2f);
  const k = Math.round(s.initial.pending * blocks);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(blocks - i);
    const t = order[i]; order[i] = order[j]; order[j] = t;
  }
  const pending = Array.from(order.subarray(0, k)).sort((a, b) => a - b);
  const nDirty = Math.min(Math.round(s.initial.dirtyInCache * k), Math.floor(cacheSlots / 2));
  return { pending, nDirty };
}
