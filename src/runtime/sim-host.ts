/**
 * The sim runtime as a host for commands from outside (the wire for tools and tests,
 * docs/scsi.md#the-wire): a sim built with `external: true` (no script, no workload), its
 * virtual clock in the SCSI layer's Clock shape, and step(cmd) for any step of the scenario
 * format.
 *
 * SimClock merges two kinds of events in one timeline: the controller's processor steps
 * (the sim's scheduler, sim-scheduler.ts: a step runs `cost` ms after it is offered) and
 * timers set with after() by the SCSI copy manager. So whenever commands are queued at
 * 501/502, the processors take their next steps by themselves as virtual time passes.
 * No node:* import: it runs in the browser too.
 */
import type { Core } from '../core/core-api.ts';
import { methodOf, type BackupHandle, type Method } from '../array/backup.ts';
import type { PairResult } from '../array/pair-state.ts';
import type { AwsTapeWriter } from '../devices/awstape.ts';
import type { BlockDevice } from '../devices/block-device.ts';
import type { Clock } from '../scsi/clock.ts';
import { LIMITS, type Mode, type Scenario, type ScriptCmd } from '../scenario/schema.ts';
import { ScenarioError, validateScenario } from '../scenario/validate.ts';
import { createSim, type Sim, type SimOptions } from './sim.ts';
import type { MemoryBlockDevice } from '../devices/memory-device.ts';

interface Timer { t: number; seq: number; fn: () => void }

export class SimClock implements Clock {
  private readonly timers: Timer[] = [];
  private seq = 0;

  constructor(private readonly sim: Sim<BlockDevice>) {}

  now(): number { return this.sim.now; }

  after(ms: number, fn: () => void): void {
    const t = this.sim.now + Math.max(0, Number.isFinite(ms) ? ms : 0);
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.t > t) i--;
    this.timers.splice(i, 0, { t, seq: this.seq++, fn });
  }

  /** Time of the next event (a processor step or a timer), Infinity if none. */
  nextTime(): number {
    return Math.min(this.timers[0]?.t ?? Infinity, this.sim.nextTime());
  }

  /** Runs the earliest event; at equal times the processor step goes first. */
  runNext(): boolean {
    const timer = this.timers[0];
    if (timer && timer.t < this.sim.nextTime()) {
      this.timers.shift();
      this.sim.runUntil(timer.t); // no step is due before it: this only moves the clock
      timer.fn();
      return true;
    }
    return this.sim.step();
  }

  advance(ms: number): void {
    const end = this.sim.now + Math.max(0, ms);
    while (this.nextTime() <= end) this.runNext();
    this.sim.runUntil(end);
  }

  /** Runs events until cond() holds; throws if the timeline empties first. */
  runUntilTrue(cond: () => boolean, what: string): void {
    while (!cond()) {
      if (!this.runNext()) throw new Error(`${what} never completed: nothing left to run`);
    }
  }
}

export interface SimHostOptions {
  core: Core;
  mode?: Mode;
  /** A disk backup target (§0048) for EXTENDED COPY block → block segments. */
  backupDisk?: BlockDevice;
  maxSteps?: number;
  /** The P-VOL and S-VOL on other devices than memory (SimOptions.volumes). */
  volumes?: { pvol: BlockDevice; svol: BlockDevice };
  tape?: AwsTapeWriter;
  /** Keep the sim's event log (default true; SimOptions.keepEvents). */
  keepEvents?: boolean;
}

export interface SimHost<V extends BlockDevice = MemoryBlockDevice> {
  readonly sim: Sim<V>;
  readonly clock: SimClock;
  /** The pair's backup method for the scenario's mode (docs/patent.md#the-flows). */
  method(): Method;
  /** Whether a split answers only when complete (the prior art, mode 'sync'). */
  syncSplit(): boolean;
  /** Runs one step (docs/scsi.md "The wire", steps); throws Error on a bad step. */
  step(cmd: unknown): Record<string, unknown>;
}

type Obj = Record<string, unknown>;

export function createSimHost(scenario: Scenario, o: SimHostOptions & { volumes?: undefined }): SimHost;
export function createSimHost<V extends BlockDevice>(scenario: Scenario, o: SimHostOptions & { volumes: { pvol: V; svol: V } }): SimHost<V>;
export function createSimHost(scenario: Scenario, o: SimHostOptions): SimHost<BlockDevice> {
  // The wire speaks the patent's EXTENDED COPY split modes (docs/scsi.md); the naive
  // demonstration has no consistency mode to name there, so it is refused, not guessed.
  const mode = o.mode ?? scenario.mode;
  if (mode === 'naive') {
    throw new ScenarioError('mode', 'naive is a sim-only demonstration of the prior art (docs/patent.md#the-problem); the SCSI wire serves E1, E2, E2h, E3, E4 and sync');
  }
  // Memory volumes when o.volumes is absent (createSim's default).
  const sim = createSim(scenario, {
    core: o.core, mode: o.mode, external: true, backupDisk: o.backupDisk, maxSteps: o.maxSteps,
    volumes: o.volumes, tape: o.tape, keepEvents: o.keepEvents,
  } as SimOptions & { volumes: { pvol: BlockDevice; svol: BlockDevice } });
  const s = sim.scenario;
  const ctl = sim.controller;
  const clock = new SimClock(sim);
  const method = () => methodOf(s.mode, s.e4Via);

  const write = (c: Obj) => {
    const lba = c.lba, n = c.blocks ?? 1, byte = c.byte ?? 0;
    const maxN = Math.min(LIMITS.maxWriteBlocks, s.geometry.cacheSlots);
    if (!isInt(lba) || !isInt(n) || !isInt(byte) || n < 1 || n > maxN || byte > 255 || lba < 0 || lba + n > s.geometry.blocks) {
      throw new Error(`write needs integers lba (0..), blocks (1..${maxN}) within the volume, byte (0..255)`);
    }
    const t0 = sim.now;
    let ack = -1;
    ctl.submitWrite(lba, new Uint8Array(n * s.geometry.blockBytes).fill(byte), (t) => { ack = t; });
    clock.runUntilTrue(() => ack >= 0, 'the write');
    return { op: 'write', lba, blocks: n, ack, latencyMs: ack - t0 };
  };

  const pair = (op: 'create' | 'split' | 'resync' | 'delete') => {
    let r: PairResult | null = null;
    let at = -1;
    ctl.submitPair(op, { sync: op === 'split' && s.mode === 'sync', onDone: (res, t) => { r = res; at = t; } });
    clock.runUntilTrue(() => r !== null, op);
    return { op, ...(r as unknown as PairResult), at, ...ctl.status() };
  };

  const backup = (c: Extract<ScriptCmd, { op: 'backup' }>) => {
    // Embodiment 4 sends the split inside the backup command (Figs. 10–11): in mode E4 a
    // backup step on a duplex pair is that combined command, as a script's split + backup is.
    const p516 = ctl.status().p516;
    const combined = s.mode === 'E4' && (p516 === 'duplex' || p516 === 'duplex-pending');
    const h = ctl.startBackup({
      method: method(),
      segments: [{ lba: c.lba, blocks: c.blocks || s.geometry.blocks - c.lba, dest: { kind: 'tape' } }],
      transferBlocks: c.transferBlocks,
      checkWholeRange: c.check === 'range',
      combinedSplit: combined,
      ...(c.level ? { level: c.level } : {}),
    });
    clock.runUntilTrue(() => h.status !== 'queued', 'the backup command');
    if (!combined) clock.runUntilTrue(() => h.status !== 'accepted', 'the backup');
    return { op: 'backup', combined, ...backupView(h) };
  };

  /** A restore of a catalog point (docs/scenario.md), answered when it ends. */
  const restore = (c: Extract<ScriptCmd, { op: 'restore' }>) => {
    const h = ctl.startRestore({ restore: true, point: c.point, to: c.to });
    clock.runUntilTrue(() => h.status === 'done' || h.status === 'failed' || h.status === 'refused', 'the restore');
    return { op: 'restore', point: c.point, to: c.to, ...backupView(h) };
  };

  const step = (cmd: unknown): Record<string, unknown> => {
    if (typeof cmd !== 'object' || cmd === null || Array.isArray(cmd)) throw new Error('a step must be an object such as {"op":"split"}');
    const c = cmd as Obj;
    if (c.op === 'write') return write(c);
    if (c.op === 'status') {
      const h = ctl.lastBackup;
      return { op: 'status', ...ctl.status(), tapeBlocks: sim.tape.blocksWritten, tapeBytes: sim.tape.dataBytes, backup: h ? backupView(h) : null };
    }
    let sc: ScriptCmd;
    try {
      sc = validateScenario({ ...s, script: [c] }).script[0]!;
    } catch (e) {
      if (e instanceof ScenarioError) throw new Error(`step${e.field.replace(/^script\[0\]/, '')}: ${e.message.slice(e.field.length + 2)}; ops: write, status, create, split, resync, delete, backup, restore`);
      throw e;
    }
    if (sc.at > sim.now) clock.advance(sc.at - sim.now);
    return sc.op === 'backup' ? backup(sc) : sc.op === 'restore' ? restore(sc) : pair(sc.op);
  };

  return { sim, clock, method, syncSplit: () => s.mode === 'sync', step };
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function backupView(h: BackupHandle) {
  return {
    id: h.id, status: h.state, reason: h.reason, failure: h.failure, blocksDone: h.blocksDone, totalBlocks: h.totalBlocks, segmentsDone: h.segmentsDone,
    failedSegment: h.failedSegment, acceptedAt: h.acceptedAt, doneAt: h.doneAt,
  };
}
