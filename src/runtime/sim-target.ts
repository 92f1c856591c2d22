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
import { createSimHost, type SimHost, type SimHostOptions } from './sim-host.ts';
import type { AwsTapeWriter } from '../devices/awstape.ts';
import type { BlockDevice } from '../devices/block-device.ts';
import type { Mode, Scenario } from '../scenario/schema.ts';
import { type ArrayTargetOptions, createArrayTarget } from '../scsi/array-lus.ts';
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
  /** The P-VOL, S-VOL and backup disk on other devices than memory (the iSCSI front end's files). */
  volumes?: { pvol: BlockDevice; svol: BlockDevice; backupDisk: BlockDevice };
  tape?: AwsTapeWriter;
  keepEvents?: boolean;
  /** Sees every host write through 501 as 501 acknowledges it (SCSI WRITE, or a copy onto the P-VOL). */
  onPvolWrite?: ArrayTargetOptions['onPvolWrite'];
  maxTransferBytes?: number;
}

export interface SimTarget<V extends BlockDevice = MemoryBlockDevice> extends WireHost {
  readonly target: ScsiTarget;
  readonly host: SimHost<V>;
  /** The disk backup target at LUN 5 (§0048), the volumes' geometry. */
  readonly backupDisk: V;
}

export function createSimTarget(scenario: Scenario, o: SimTargetOptions & { volumes?: undefined }): SimTarget;
export function createSimTarget<V extends BlockDevice>(scenario: Scenario, o: SimTargetOptions & { volumes: { pvol: V; svol: V; backupDisk: V } }): SimTarget<V>;
export function createSimTarget(scenario: Scenario, o: SimTargetOptions): SimTarget<BlockDevice> {
  const { blocks, blockBytes } = scenario.geometry;
  const backupDisk = o.volumes?.backupDisk ?? new MemoryBlockDevice({ name: 'backup-disk', blocks, blockBytes });
  const host = createSimHost(scenario, {
    core: o.core, mode: o.mode, backupDisk, maxSteps: o.maxSteps, volumes: o.volumes, tape: o.tape, keepEvents: o.keepEvents,
  } as SimHostOptions & { volumes: { pvol: BlockDevice; svol: BlockDevice } });
  const { sim, clock } = host;
  const c = sim.scenario.costs;
  const target = createArrayTarget({
    controller: sim.controller, clock, pvol: sim.pvol, svol: sim.svol, tape: awsTapeSink(sim.tape), tapeDrive: new TapeDrive(sim.tape), backupDisk,
    method: host.method, syncSplit: host.syncSplit, limits: o.limits,
    // Copies outside the pair (P-VOL → tape, …) at the scenario's bandwidths (MB/s = 1000 B/ms).
    cost: { diskBytesPerMs: Math.min(c.diskReadMBps, c.diskWriteMBps) * 1000, tapeBytesPerMs: c.tapeMBps * 1000, chunkBlocks: 64 },
    onPvolWrite: o.onPvolWrite, maxTransferBytes: o.maxTransferBytes,
  });
  return { target, clock, host, backupDisk, step: (s: unknown) => host.step(s) };
}
