/**
 * The sim runtime (docs/scenario.md#how-the-sim-runs-the-controller): the controller, the
 * two servers and the devices under one deterministic scheduler with a virtual clock. Same
 * scenario and seed, same event log and result, on any machine, in Node and in the browser
 * (no node:* here). One sim at a time per Core: the controller lays 507 out at a fixed
 * place in its memory.
 */
import type { Core } from '../core/core-api.ts';
import { Controller, type Counters, type PairStatus } from '../array/controller.ts';
import type { BackupStatus } from '../array/backup.ts';
import { AwsTapeWriter } from '../devices/awstape.ts';
import type { BlockDevice } from '../devices/block-device.ts';
import { FaultyBlockDevice, FaultyTapeWriter, anyOf, type Injector } from '../devices/faults.ts';
import { MemoryBlockDevice } from '../devices/memory-device.ts';
import { initialPending } from '../scenario/initial.ts';
import { fillBlock } from '../core/prng.ts';
import type { Mode, Scenario } from '../scenario/schema.ts';
import { WorkloadGen } from '../scenario/workload.ts';
import { createCostModel } from './cost-model.ts';
import type { Actor, SimEvent } from '../array/events.ts';
import { Scheduler } from './sim-scheduler.ts';
import { Client101, Servers, type ClientRecord } from './sim-servers.ts';
import { buildResult, type RunResult } from './sim-result.ts';
import { SimFaults } from './sim-faults.ts';
import { checkInvariants } from './sim-invariants.ts';

export type { RunResult } from './sim-result.ts';

export interface SimOptions {
  core: Core;
  /** Overrides scenario.mode. */
  mode?: Mode;
  /** Without the script and the workload: commands come from outside (the SCSI target). */
  external?: boolean;
  /** A disk backup target (§0048) for backups whose segments name one. */
  backupDisk?: BlockDevice;
  /** Give up after this many steps (a guard against a controller that never finishes). */
  maxSteps?: number;
  /**
   * The P-VOL's content at t = 0 instead of the seeded generation 0 (a volume image the user
   * uploaded): exactly blocks × blockBytes bytes; the S-VOL mirrors it when the pair
   * starts duplex. The oracle is handed these same bytes (never the volumes), so it stays
   * independent of the controller. Only read, never kept past the run's start.
   */
  initialImage?: Uint8Array;
  /**
   * 503 serves its own requests to 508 (Ctx.serve508), as the live runtime's 503 does when
   * it holds its own volume handles: the sim then proves that arrangement's invariants too.
   */
  serveInline?: boolean;
  /**
   * The P-VOL and S-VOL as other devices than memory (files for the iSCSI front end); they
   * must have the scenario's geometry, and are seeded as the memory ones would be.
   */
  volumes?: { pvol: BlockDevice; svol: BlockDevice };
  /** The tape 303 (e.g. one writing its image to a file as it goes); default: in memory. */
  tape?: AwsTapeWriter;
  /** Keep the event log (default true); a long-running server drops it so memory stays flat. */
  keepEvents?: boolean;
  /**
   * Decides before every I/O of the volumes and the tape whether it fails (the systematic
   * fault test's failNth), besides the scenario's own faults.
   */
  inject?: Injector;
  /**
   * Check the sim's invariants at the end (sim-invariants.ts; RunResult.invariants): the
   * CLI, the soak and the fault tests do; by default only a scenario with faults, so that a
   * run without them has the same fields as the live runtime's.
   */
  invariants?: boolean;
}

export interface Snapshot {
  t: number;
  pair: PairStatus;
  /** 'bits': 1 bit per block (LSB first); 'counts': set bits per bucket of blocksPerBucket. */
  bitmaps: { kind: 'bits'; diff: Uint8Array; post: Uint8Array } | { kind: 'counts'; blocksPerBucket: number; diff: Uint16Array; post: Uint16Array };
  counters: Counters & { tapeBlocks: number; tapeBytes: number };
  backup: { status: BackupStatus; blocksDone: number; bytesDone: number; segmentsDone: number; totalBlocks: number; failedSegment: number } | null;
  busy: Actor[];
  /** Client writes acknowledged so far: ack time and latency (ms). */
  latency: { t: number[]; ms: number[] };
  clientWrites: number;
}

export interface Sim<V extends BlockDevice = MemoryBlockDevice> {
  readonly now: number;
  readonly events: readonly SimEvent[];
  readonly scenario: Scenario;
  readonly controller: Controller;
  readonly pvol: V;
  readonly svol: V;
  readonly tape: AwsTapeWriter;
  /** The scenario's faults and what became of them (null without faults). */
  readonly faults: SimFaults | null;
  /** The backup disk (§0048), when the options or the script's restores asked for one. */
  readonly backupDisk?: BlockDevice;
  /** The client's writes so far, with their acknowledgement times (the oracle's input). */
  readonly writes: readonly ClientRecord[];
  /** Runs one step; false when the run is finished. */
  step(): boolean;
  /** Virtual time of the next step, or Infinity when nothing is left to do (sim-host.ts). */
  nextTime(): number;
  /** Runs every step up to virtual time t (ms). */
  runUntil(t: number): void;
  runToEnd(): RunResult;
  snapshot(): Snapshot;
}

const BITS_LIMIT = 65536;
const BUCKETS = 4096;

export function createSim(scenario: Scenario, opts: SimOptions & { volumes?: undefined }): Sim;
export function createSim<V extends BlockDevice>(scenario: Scenario, opts: SimOptions & { volumes: { pvol: V; svol: V } }): Sim<V>;
export function createSim(scenario: Scenario, opts: SimOptions): Sim<BlockDevice> {
  const s: Scenario = opts.mode ? { ...scenario, mode: opts.mode } : scenario;
  const { blocks, blockBytes, cacheSlots } = s.geometry;
  const image = opts.initialImage;
  if (image && image.byteLength !== blocks * blockBytes) {
    throw new RangeError(`initial image: ${image.byteLength} bytes, the volume ${blocks} × ${blockBytes} = ${blocks * blockBytes}`);
  }
  const events: SimEvent[] = [];
  let sched: Scheduler | null = null;
  const now = () => sched?.now ?? 0;
  const pvol = opts.volumes?.pvol ?? new MemoryBlockDevice({ name: 'pvol-601', blocks, blockBytes });
  const svol = opts.volumes?.svol ?? new MemoryBlockDevice({ name: 'svol-602', blocks, blockBytes });
  const keep = opts.keepEvents ?? true;
  const log = keep ? (e: SimEvent) => events.push(e) : () => {};
  const faults = s.faults?.length ? new SimFaults(s.faults, now, (actor, ev, to, detail) => log({ t: now(), actor, ev, ...(to ? { to } : {}), ...(detail ? { detail } : {}) })) : null;
  const injectors = [...(faults ? [faults.inject] : []), ...(opts.inject ? [opts.inject] : [])];
  const inject = injectors.length ? anyOf(...injectors) : null;
  const tape = opts.tape ?? (inject ? new FaultyTapeWriter(inject) : new AwsTapeWriter());
  if (faults) faults.tapeBytes = () => tape.bytesWritten;
  const cost = createCostModel(s.costs);
  // A script that restores to the backup disk gets one of the volumes' size (§0048).
  const backupDisk = opts.backupDisk ?? (!opts.external && s.script.some((c) => c.op === 'restore' && c.to === 'disk')
    ? new MemoryBlockDevice({ name: 'backup-disk', blocks, blockBytes }) : undefined);
  const ctl = new Controller({
    core: opts.core, blocks, blockBytes, cacheSlots, cost, tape, backupDisk, now, log,
    pvol: inject ? new FaultyBlockDevice(pvol, inject) : pvol,
    svol: inject ? new FaultyBlockDevice(svol, inject) : svol,
  });
  if (opts.serveInline) ctl.ctx.serve508 = (type, a, n, seg) => ctl.p508.serve(type, a, n, seg);
  seedVolumes(s, ctl, pvol, svol, image);
  const client = new Client101(new WorkloadGen(opts.external ? { ...s.workload, rate: 0 } : s.workload, blocks, s.seed), ctl, s.seed, blockBytes, now);
  // The backup server's verify pass after a restore reads the destination back (a host read).
  const readBack = (to: 'disk' | 'svol', lba: number, n: number) => {
    const d = to === 'disk' ? backupDisk! : svol;
    const out = new Uint8Array(n * blockBytes);
    d.read(lba, n, out);
    return out;
  };
  const servers = opts.external ? null : new Servers(s, ctl, client, now, ctl.ctx.log, readBack);
  const processors = faults ? ctl.processors.map((p) => faults.gate(p)) : ctl.processors;
  sched = new Scheduler([...(servers ? [servers] : []), client, ...processors, ...(faults ? [faults] : [])]);
  const sc = sched;
  const maxSteps = opts.maxSteps ?? 50_000_000;

  const step = () => {
    if (sc.steps >= maxSteps) throw new Error(`sim did not finish within ${maxSteps} steps (t = ${sc.now} ms)`);
    return sc.step();
  };

  const sim: Sim<BlockDevice> = {
    get now() { return sc.now; },
    events, scenario: s, controller: ctl, pvol, svol, tape, faults, backupDisk, writes: client.writes,
    step,
    nextTime: () => sc.nextTime(),
    runUntil(t: number) {
      for (let next = sc.nextTime(); next <= t && Number.isFinite(next); next = sc.nextTime()) step();
      if (t > sc.now && Number.isFinite(t)) sc.now = t;
    },
    runToEnd() {
      while (step());
      const r = buildResult({ s, core: opts.core, ctl, tape, events, client, servers, end: sc.now, image, faults });
      // The invariants read the volumes' own bytes: memory ones (not the iSCSI front end's files).
      if (!servers || !(opts.invariants ?? !!s.faults?.length)) return r;
      if (!(pvol instanceof MemoryBlockDevice) || !(svol instanceof MemoryBlockDevice)) return r;
      return { ...r, invariants: checkInvariants({ s, core: opts.core, ctl, pvol, svol, tape, client, servers, image, backups: r.backups }) };
    },
    snapshot() {
      return snapshotOf(ctl, sc, tape, client, blocks);
    },
  };
  return sim;
}

/** The same scenario always gives the same result: runs one mode to the end. */
export function runScenario(scenario: Scenario, opts: { core: Core; mode?: Mode; initialImage?: Uint8Array }): RunResult {
  return createSim(scenario, opts).runToEnd();
}

/**
 * Initial volumes: the P-VOL holds generation 0 of every block (what the client sees at
 * t = 0): the seeded content, or the uploaded image's block. With a duplex pair, exactly round(pending × blocks) blocks, chosen by the seed,
 * are pending in 514: the S-VOL holds an older generation (-1) there, and some of them
 * (dirtyInCache) are newest only in cache, the P-VOL disk still holding generation -2.
 * Memory volumes are filled in place; other devices in runs of blocks through write().
 */
function seedVolumes(s: Scenario, ctl: Controller, pvol: BlockDevice, svol: BlockDevice, image?: Uint8Array): void {
  const { blocks, blockBytes: bb } = s.geometry;
  const duplex = s.initial.pair !== 'simplex';
  const RUN = 256;
  const buf = new Uint8Array(RUN * bb);
  for (let at = 0; at < blocks; at += RUN) {
    const n = Math.min(RUN, blocks - at);
    const run = buf.subarray(0, n * bb);
    if (image) run.set(image.subarray(at * bb, (at + n) * bb));
    else for (let i = 0; i < n; i++) fillBlock(run.subarray(i * bb, (i + 1) * bb), s.seed, 0, at + i);
    pvol.write(at, n, run);
    if (duplex) svol.write(at, n, run);
  }
  if (!duplex) return;
  const { pending, nDirty } = initialPending(s);
  const one = new Uint8Array(bb);
  const dirty = pending.slice(0, nDirty).map((lba) => {
    const data = new Uint8Array(bb);
    pvol.read(lba, 1, data);
    fillBlock(one, s.seed, -2, lba);
    pvol.write(lba, 1, one);
    return { lba, data };
  });
  for (const b of pending) { fillBlock(one, s.seed, -1, b); svol.write(b, 1, one); }
  ctl.seedDuplex(pending, dirty);
}

function snapshotOf(ctl: Controller, sc: Scheduler, tape: AwsTapeWriter, client: Client101, blocks: number): Snapshot {
  const { core, diff } = ctl.ctx;
  let bitmaps: Snapshot['bitmaps'];
  if (blocks <= BITS_LIMIT) {
    bitmaps = { kind: 'bits', diff: diff.bytesOf(diff.diff), post: diff.bytesOf(diff.post) };
  } else {
    const per = Math.ceil(blocks / BUCKETS);
    const counts = (bm: number) => Uint16Array.from({ length: Math.ceil(blocks / per) }, (_, i) => core.count(bm, i * per, Math.min(blocks, (i + 1) * per)));
    bitmaps = { kind: 'counts', blocksPerBucket: per, diff: counts(diff.diff), post: counts(diff.post) };
  }
  const h = ctl.lastBackup;
  const acked = client.writes.filter((w) => w.ack >= 0);
  return {
    t: sc.now,
    pair: ctl.status(),
    bitmaps,
    counters: { ...ctl.counters(), tapeBlocks: tape.blocksWritten, tapeBytes: tape.bytesWritten },
    backup: h ? {
      status: h.state, blocksDone: h.blocksDone, bytesDone: h.bytesDone, segmentsDone: h.segmentsDone,
      totalBlocks: h.totalBlocks, failedSegment: h.failedSegment,
    } : null,
    busy: sc.busy() as Actor[],
    latency: { t: acked.map((w) => w.ack), ms: acked.map((w) => w.ack - w.arrival) },
    clientWrites: client.writes.length,
  };
}
