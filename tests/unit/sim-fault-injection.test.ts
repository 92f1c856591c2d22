// Systematic fault injection (docs/scenario.md#faults, after SQLite's I/O error tests): a
// small scenario is run once to count its I/Os (every read and write of the P-VOL and the
// S-VOL, every block and tapemark of the tape), then once per I/O with that I/O failing.
// Each run must end with the sim's invariants holding (sim-invariants.ts: nothing
// acknowledged lost, the pair state sound, every completed backup verified by the oracle),
// and the operator's recovery in the script (a resync, a new split, a new backup of it)
// must leave at least one backup on the tape that verifies.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core-api.ts';
import { DeviceError } from '../../src/devices/block-device.ts';
import { failNth, type Io } from '../../src/devices/faults.ts';
import { createSim } from '../../src/runtime/sim.ts';
import type { Mode } from '../../src/scenario/schema.ts';
import { coreForTests, small } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

const scenario = small({
  geometry: { blocks: 96, blockBytes: 512, cacheSlots: 24 },
  workload: { pattern: 'uniform', rate: 8000, minBlocks: 1, maxBlocks: 4, hotFraction: 0.1, hotWeight: 0.9 },
  initial: { pair: 'duplex', pending: 0.3, dirtyInCache: 0.3 },
  script: [
    { at: 0.2, op: 'split' },
    { at: 0.2, op: 'backup', transferBlocks: 8 },
    { at: 0.2, op: 'resync' },
    { at: 0.2, op: 'split' },
    { at: 0.2, op: 'backup', transferBlocks: 8 },
  ],
});

const injected = (io: Io) => new DeviceError(io.device, io.op === 'tapemark' ? 'write' : io.op, io.lba, 'injected I/O error');

function runFailing(mode: Mode, n: number, serveInline = false) {
  const f = failNth(n, injected);
  const sim = createSim(scenario, { core, mode, inject: f.inject, serveInline, invariants: true });
  return { r: sim.runToEnd(), f };
}

describe('every I/O of a small scenario fails in turn', () => {
  // E1 and E3 also with 503 serving its own requests, as the live runtime's 503 does.
  const cases: [Mode, boolean][] = [['E1', false], ['E2', false], ['E3', false], ['E4', false], ['sync', false], ['E1', true], ['E3', true]];
  for (const [mode, inline] of cases) {
    it(`${mode}${inline ? ' (503 serves its own requests)' : ''}: the invariants hold and the recovery backs up a verified image`, () => {
      const { f: count, r: clean } = runFailing(mode, -1, inline);
      expect(clean.invariants).toEqual({ ok: true, violations: [] });
      expect(count.seen).toBeGreaterThan(40);
      const kinds = new Set<string>();
      for (let n = 0; n < count.seen; n++) {
        const { r, f } = runFailing(mode, n, inline);
        const at = `${mode}, I/O ${n} (${f.failed?.device} ${f.failed?.op} at ${f.failed?.lba})`;
        if (f.failed) kinds.add(`${f.failed.device} ${f.failed.op}`);
        expect(r.invariants?.violations, at).toEqual([]);
        expect(r.backups.some((b) => b.verified === true), at).toBe(true);
        expect(r.backups.every((b) => b.status !== 'done' || b.verified), at).toBe(true);
      }
      // The sweep reached reads and writes of both volumes and the tape's blocks.
      for (const k of ['pvol-601 write', 'svol-602 write', 'svol-602 read', 'tape-303 write', 'tape-303 tapemark']) expect(kinds).toContain(k);
    });
  }
});
