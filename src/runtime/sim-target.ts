/**
 * The SCSI target over the controller in the sim runtime: what `splitstream scsi` answers
 * from (docs/scsi.md#the-wire), and what the tests drive. The sim is built
 * with `external: true` (src/runtime/sim-host.ts), so every command comes from here: pair
 * CDBs and READ/WRITE of the P-VOL go through 501, EXTENDED COPY of the split S-VOL through
 * 502/503 in the pair's backup mode (array-engine.ts), and {"step": …} lines run the
 * scenario format's steps on the same sim.
 */
import type { Core } from '../core/core-api.ts';
import { MemoryBlockDevice } from '../devices/memory-device.ts';
import { createSimHost, type SimHost } from './sim-host.ts';
import type { Mode, Scenario } from '../scenario/schema.ts';
import { createArrayTarget } from '../scsi/array-lus.ts';
import type { CopyLimits } from '../scsi/copy-limits.ts';
import { awsTapeSink } from '../scsi/lu-layout.ts';
import type { ScsiTarget } from '../scsi/target.ts';
import { TapeDrive } from '../scsi/tape-drive.ts';
import type { WireHost } from '../scsi/wire-session.ts';

export interface SimTargetOptions {
  core: Core;
  mode?: Mode;
  limits?: CopyLimits;
  /** Guard against a controller that never finishes (sim.ts maxSteps). */
  maxSteps?: number;
}

export interface SimTarget extends WireHost {
  readonly target: ScsiTarget;
  readonly host: SimHost;
  /** The disk backup target at LUN 5 (§0048), the volumes' geometry. */
  readonly backupDisk: MemoryBlockDevice;
}

export function createSimTarget(scenario: Scenario, o: SimTargetOptions): SimTarget {
  const { blocks, blockBytes } = scenario.geometry;
  const backupDisk = new MemoryBlockDevice({ name: 'backup-disk', blocks, blockBytes });
  const host = createSimHost(scenario, { core: o.core, mode: o.mode, backupDisk, maxSteps: o.maxSteps });
  const { sim, clock } = host;
  const c = sim.scenario.costs;
  const target = createArrayTarget({
    controller: sim.controller, clock, pvol: sim.pvol, svol: sim.svol, tape: awsTapeSink(sim.tape), tapeDrive: new TapeDrive(sim.tape), backupDisk,
    method: host.method, syncSplit: host.syncSplit, limits: o.limits,
    // Copies outside the pair (P-VOL → tape, …) at the scenario's bandwidths (MB/s = 1000 B/ms).
    cost: { diskBytesPerMs: Math.min(c.diskReadMBps, c.diskWriteMBps) * 1000, tapeBytesPerMs: c.tapeMBps * 1000, chunkBlocks: 64 },
  });
  return { target, clock, host, backupDisk, step: (s: unknown) => host.step(s) };
}
