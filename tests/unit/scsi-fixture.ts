// Shared setup for the scsi*.test.ts files: the SCSI target over the real controller in
// the sim runtime (src/scsi/sim-target.ts, as `splitstream scsi` builds it), with no client
// workload and no script, the pair simplex at t = 0; and small helpers that read results
// the way an initiator would.
import { expect } from 'vitest';
import { createSharedMemory } from '../../src/core/memory.ts';
import { createRefCore } from '../../src/core/reference.ts';
import { DEFAULT_SCENARIO, type Mode } from '../../src/scenario/schema.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { LUN } from '../../src/scsi/lu-layout.ts';
import { createSimTarget } from '../../src/runtime/sim-target.ts';
import { decodeSense, type SenseCode } from '../../src/scsi/sense.ts';
import type { ScsiResult } from '../../src/scsi/lu.ts';
import type { CopyLimits } from '../../src/scsi/copy-limits.ts';
import type { CscdInput } from '../../src/scsi/xcopy-encode.ts';

export { LUN };

/** The scenario of a SCSI test array: no pair, no client I/O, no script. */
export function scsiScenario(o: { blocks?: number; blockBytes?: number; mode?: Mode; cacheSlots?: number } = {}) {
  return validateScenario({
    ...structuredClone(DEFAULT_SCENARIO), name: 'scsi tests', mode: o.mode ?? 'E1',
    geometry: { blocks: o.blocks ?? 4096, blockBytes: o.blockBytes ?? 512, cacheSlots: o.cacheSlots ?? 64 },
    initial: { pair: 'simplex', pending: 0, dirtyInCache: 0 },
    workload: { ...DEFAULT_SCENARIO.workload, rate: 0 },
    script: [],
  });
}

export function makeArray(opts: { blocks?: number; blockBytes?: number; limits?: CopyLimits; mode?: Mode } = {}) {
  const scenario = scsiScenario(opts);
  const { blocks, blockBytes } = scenario.geometry;
  const core = createRefCore(createSharedMemory(1 << 20));
  const st = createSimTarget(scenario, { core, limits: opts.limits, maxSteps: 5_000_000 });
  const { target, clock, host, backupDisk } = st;
  const { controller, pvol, svol, tape } = host.sim;
  const cscd = (lun: number, extra: Partial<CscdInput> = {}): CscdInput => {
    const lu = target.lu(lun)!;
    return {
      peripheralType: lu.id.peripheralType as 0 | 1, designator: lu.id.naa,
      blockLength: lu.kind === 'disk' ? lu.device.blockBytes : 0, ...extra,
    };
  };
  return {
    target, clock, host, controller, pvol, svol, backupDisk, tape, cscd, blocks, blockBytes, step: st.step,
    /** What the client sees on the P-VOL now (cache or disk, through 501). */
    image: () => controller.read(0, blocks),
    /** Pair state 516 (the P-VOL side). */
    pairState: () => controller.status().p516,
  };
}

export function senseOf(r: ScsiResult) {
  expect(r.status).toBe('CHECK CONDITION');
  const s = decodeSense(r.sense!);
  expect(s).not.toBeNull();
  return s!;
}

export function expectSense(r: ScsiResult, code: SenseCode) {
  const s = senseOf(r);
  expect({ key: s.key, asc: s.asc, ascq: s.ascq }).toEqual({ key: code.key, asc: code.asc, ascq: code.ascq });
  return s;
}

export function expectGood(r: ScsiResult) {
  expect(r.status, r.sense ? JSON.stringify(decodeSense(r.sense)) : '').toBe('GOOD');
  return r.dataIn ?? new Uint8Array(0);
}
