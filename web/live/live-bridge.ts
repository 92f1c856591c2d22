/**
 * The page side of the live runtime (docs/live.md): one bridge that lays out the shared
 * memory, starts the processors' worker (or one per processor, on a machine with many
 * cores), the flusher's where handles are shared, and one for the servers (101, 102), hands
 * each the compiled core module and the memory, starts them on one clock, waits for the
 * script to end and the array to go quiet, and returns the same RunResult as the CLI's
 * --json. The page only waits (Atomics.waitAsync); it never blocks.
 */
import * as Comlink from 'comlink';
import { loadCoreModule } from '../../src/core/load-web.ts';
import { createSharedMemory } from '../../src/core/memory.ts';
import { B } from '../../src/array/memory-507.ts';
import type { SimEvent } from '../../src/array/events.ts';
import type { Wiring } from '../../src/runtime/live/live-ctx.ts';
import { planLive, type LiveLayout } from '../../src/runtime/live/live-layout.ts';
import { FILES, checkPlaygroundQuota, listFiles } from '../../src/runtime/live/opfs-store.ts';
import { RESERVE_REFUSED, reservationRefused, scriptTapeBytes } from '../../src/runtime/live/quota.ts';
import { LB, LiveBlock, ROLES } from '../../src/runtime/live/processor-host.ts';
import { journalFileBytes } from '../../src/runtime/live/live-files.ts';
import { diffFileBytes } from '../../src/runtime/live/differential-514-store.ts';
import type { ProcessorInit, Role } from '../../src/runtime/live/roles.ts';
import { hasDeviceFaults, liveFaultsRefused } from '../../src/runtime/live/live-faults.ts';
import { checkWorkerFaults, workerFaultFigures, workerFaultPlacement, workerFaultsOf, type WorkerRestart } from './live-worker-faults.ts';
import type { RecoveryReport } from '../../src/runtime/live/recovery.ts';
import { MpmcRing } from '../../src/runtime/live/mpmc-ring.ts';
import { ACK_CAP, ANSWER_CAP, ANSWER_WORDS, BACKUP_CAP, PORT_CAP, PORT_WORDS } from '../../src/runtime/live/live-layout.ts';
import type { RunResult } from '../../src/runtime/sim-result.ts';
import type { Durability, Mode, Scenario } from '../../src/scenario/schema.ts';
import type { ProcessorWorkerApi } from './processor-worker.ts';
import type { RecoveryWorkerApi } from './recovery-worker.ts';
import { dropWorkers, keepWorkers, takeWorker, type PooledKind } from './worker-pool.ts';
import type { ServersWorkerApi } from './servers-worker.ts';
import type { LiveAcks } from '../../src/runtime/live/servers-live.ts';
import type { FlusherWorkerApi } from './flusher-worker.ts';
import type { DiskWriterWorkerApi } from './disk-writer-worker.ts';
import { readArrayState, type LiveArrayState } from './live-maps.ts';

export class QuotaRefusedError extends Error {
  constructor(message: string, readonly needBytes: number, readonly availableBytes: number) {
    super(message);
    this.name = 'QuotaRefusedError';
  }
}

/** Figures of the last live run that the RunResult has no field for. */
export interface LiveFigures {
  handleMode: string;
  /** Workers hosting the processors: 1 (all four) or 4 (one each). */
  arrayWorkers: 1 | 4;
  durability: Durability;
  /** Flush rounds the flusher worker ran (0 without one: the array's worker ran them). */
  flushRounds: number;
  /** Flushes of the tape's file alone the flusher worker ran for tapemarks (flusher.ts tape tickets). */
  tapeFlushes: number;
  persisted: boolean;
  quota: number | null;
  usage: number | null;
  steps: Record<string, number>;
  busyMs: Record<string, number>;
  /** Times the processors' workers went to sleep with nothing to do. */
  idleWaits: number;
  wallMs: number;
  events: SimEvent[];
  /** Processor workers spawned and terminated during the run (live-worker-faults.ts); absent without worker faults. */
  processorWorkers?: { spawned: number; terminated: number };
  /** Each processor's worker a fault terminated, and its successor. */
  workerRestarts?: WorkerRestart[];
  /** The run's workers, and how many of them a previous run had left warm (worker-pool.ts). */
  workers: { used: number; reused: number };
}

const PROCESSORS: Role[] = ['508', '501', '502', '503'];
/** Give up on a run that does not end (a stuck controller must not hang the page). */
const RUN_TIMEOUT_MS = 120_000;

type Remote<T> = Comlink.Remote<T>;
interface Running {
  /** True once the servers have been initialised (their progress can be asked). */
  started: boolean;
  workers: Worker[];
  memory: WebAssembly.Memory;
  lay: LiveLayout;
  servers: Remote<ServersWorkerApi>;
  live: LiveBlock;
  /** The processors, so their events can be drained while the run goes (the UI's timeline). */
  procs: Remote<ProcessorWorkerApi>[];
  /** Array events drained before the end; merged into the final log (servers-live sorts by t). */
  drained: SimEvent[];
}

let current: Running | null = null;
export let lastFigures: LiveFigures | null = null;
/** The array's state when the last live run went quiet (its maps' final picture). */
export let lastArrayState: LiveArrayState | null = null;
/** The last live run's tape image (read from OPFS when 503 closed it), for download. */
export let lastTape: Uint8Array | null = null;

/**
 * A run's worker: one a finished run left (worker-pool.ts), else a new one. Each entry
 * spelled out as a literal `new Worker(new URL(...), {type: 'module'})`: the pattern Vite
 * bundles as a module worker.
 */
function spawn<T>(file: PooledKind, into: Worker[], reused?: Set<Worker>): Remote<T> {
  const { worker, remote, reused: warm } = takeWorker<T>(file, () => (file === 'processor' ? new Worker(new URL('./processor-worker.ts', import.meta.url), { type: 'module' })
    : file === 'servers' ? new Worker(new URL('./servers-worker.ts', import.meta.url), { type: 'module' })
    : file === 'flusher' ? new Worker(new URL('./flusher-worker.ts', import.meta.url), { type: 'module' })
    : new Worker(new URL('./disk-writer-worker.ts', import.meta.url), { type: 'module' })));
  into.push(worker);
  if (warm) reused?.add(worker);
  return remote;
}

/** Bytes the run will store: both volumes, the tape image, and the cache journal (bounded: cache-journal.ts). */
function plannedFiles(s: Scenario): { name: string; bytes: number }[] {
  const { blocks, blockBytes } = s.geometry;
  const vol = blocks * blockBytes;
  const journal = journalFileBytes(s);
  return [
    { name: FILES.pvol, bytes: vol },
    { name: FILES.svol, bytes: vol },
    { name: FILES.tape, bytes: scriptTapeBytes(s) },
    { name: FILES.journal, bytes: journal },
    { name: FILES.diff514, bytes: diffFileBytes(blocks) },
  ];
}

export interface LiveOptions {
  /** Ask for 'readwrite-unsafe' handles where the browser has them (default true). */
  shareHandles?: boolean;
  /** Workers for the processors: 1 (all four in one) or 4 (one each); default by hardwareConcurrency. */
  arrayWorkers?: 1 | 4;
  /** Overrides the scenario's `durability`. */
  durability?: Durability;
  /** Carry on the split-pending pair a recovery rebuilt, on the recovered files (resume-508.ts). */
  resume?: boolean;
}

/**
 * The processors' workers for this machine (docs/live.md#who-runs-where): one worker for
 * all four where the cores are few (measured on two: a lock shared by four workers cost more
 * than the parallelism gave), one each from MANY_CORES on, where each can have a core.
 */
export function defaultArrayWorkers(hardwareConcurrency: number): 1 | 4 {
  return hardwareConcurrency >= MANY_CORES ? 4 : 1;
}
const MANY_CORES = 8;

export async function runLive(scenario: Scenario, mode?: Mode, opts: LiveOptions = {}): Promise<RunResult> {
  if (current) throw new Error('a live run is already in progress');
  lastTape = null;
  lastArrayState = null;
  if (!globalThis.crossOriginIsolated) throw new Error('the live runtime needs a cross-origin isolated page (shared memory)');
  const s: Scenario = { ...scenario, ...(mode ? { mode } : {}), ...(opts.durability ? { durability: opts.durability } : {}) };
  // Faults the live runtime cannot play as asked are said plainly rather than run without
  // them (docs/live.md#faults): device faults are injected where one worker hosts the four
  // processors, a worker fault needs a worker per processor.
  const refused = liveFaultsRefused(s, opts.arrayWorkers);
  if (refused) throw new Error(refused);
  const shareHandles = opts.shareHandles ?? true;
  const arrayWorkers = opts.resume || hasDeviceFaults(s) ? 1
    : opts.arrayWorkers ?? workerFaultPlacement(s, shareHandles) ?? (shareHandles ? defaultArrayWorkers(navigator.hardwareConcurrency ?? 1) : 1);
  checkWorkerFaults(s, { shareHandles, arrayWorkers: opts.arrayWorkers, resume: opts.resume });
  if (arrayWorkers === 4 && !shareHandles) throw new Error('arrayWorkers: 4 needs shared handles (a worker per processor opens the volumes beside 508)');
  const q = await checkPlaygroundQuota(plannedFiles(s));
  if (!q.ok) throw new QuotaRefusedError(q.message, q.needBytes, q.availableBytes);
  const t0 = performance.now();
  const module = await loadCoreModule();
  const { blocks, blockBytes, cacheSlots } = s.geometry;
  const lay = planLive(blocks, blockBytes, cacheSlots, Math.max(1, s.workload.maxBlocks));
  const memory = createSharedMemory(lay.end);
  const buf = memory.buffer;
  MpmcRing.init(buf, lay.port401, PORT_CAP, PORT_WORDS);
  MpmcRing.init(buf, lay.ack401, ACK_CAP, PORT_WORDS);
  MpmcRing.init(buf, lay.port402, BACKUP_CAP, PORT_WORDS);
  MpmcRing.init(buf, lay.ans402, ANSWER_CAP, ANSWER_WORDS);
  const live = new LiveBlock(memory, lay.liveBlock);
  const wiring: Wiring = { blocks, blockBytes, slots: cacheSlots, costs: s.costs };
  const workers: Worker[] = [];
  // The worker hosting 508 comes first: it lays 507 out and writes the initial volumes.
  const groups: Role[][] = arrayWorkers === 1 ? [['508', '501', '502', '503']] : PROCESSORS.map((r) => [r]);
  const reused = new Set<Worker>();
  const procs = groups.map(() => spawn<ProcessorWorkerApi>('processor', workers, reused));
  const servers = spawn<ServersWorkerApi>('servers', workers, reused);
  const drained: SimEvent[] = [];
  const me: Running = { started: false, workers, memory, lay, servers, live, procs, drained };
  current = me;
  let flusher: Remote<FlusherWorkerApi> | null = null;
  const startedAt = Date.now();
  const initOf = (roles: Role[]): ProcessorInit => ({ roles, module, memory, lay, wiring, scenario: s, mode: s.mode, startedAt, shareHandles, resume: !!opts.resume });
  // A scenario's worker faults (live-worker-faults.ts) terminate and restart these workers.
  const faults = workerFaultsOf(s, { live, procs, procWorkers: workers.slice(0, procs.length), roles: groups.map((g) => g[0]), workers, initOf: (r) => initOf([r]), drained });
  try {
    let handleMode = '', writeBehind = false;
    for (const [i, roles] of groups.entries()) {
      const r = await procs[i].init(initOf(roles))
        .catch((e: unknown) => { throw reservation(e, q); });
      handleMode ||= r.handleMode;
      writeBehind ||= r.writeBehind;
    }
    // 508's P-VOL writes behind it (write-behind.ts), where one worker hosts all four.
    const diskWriter = writeBehind ? spawn<DiskWriterWorkerApi>('disk-writer', workers, reused) : null;
    await diskWriter?.init({ memory, lay, blockBytes });
    // With shared handles the flush rounds run in a worker of their own (flusher.ts).
    if (handleMode === 'readwrite-unsafe') {
      flusher = spawn<FlusherWorkerApi>('flusher', workers, reused);
      await flusher.init({ memory, lay, blockBytes, writeBehind });
    }
    await servers.init({ module, memory, lay, wiring, scenario: s });
    me.started = true;
    // t = 0 a moment ahead, so the client's first writes are not late while the workers start.
    const epoch = performance.timeOrigin + performance.now() + START_AHEAD_MS;
    await Promise.all(procs.map((p) => p.start(epoch)));
    faults?.start(epoch);
    await servers.start(epoch);
    await withTimeout(servers.finished(), RUN_TIMEOUT_MS, 'the servers did not finish their script');
    // A processor whose worker a fault terminated is back before the array can be quiet.
    await faults?.finish();
    await waitQuiescent(live);
    lastArrayState = readArrayState(memory, lay);
    live.stop();
    const stats = await Promise.all(procs.map((p) => p.finished()));
    const { rounds: flushRounds, tapeFlushes } = flusher ? await flusher.finished() : { rounds: 0, tapeFlushes: 0 };
    // 508's worker first: its volumes are flushed before 501 retires the cache journal and
    // anyone writes the CLEAN metadata record.
    const closed = [];
    for (const p of procs) closed.push(await p.close(true));
    await diskWriter?.finished();
    await diskWriter?.close();
    await flusher?.close();
    // The last drain first: any drain liveEventsSoFar() sent earlier has landed by then.
    const lastDrain = (await Promise.all(procs.map((p) => p.drainEvents()))).flat();
    const arrayEvents = [...drained, ...lastDrain];
    const tape = closed.find((c) => c.tape) ?? {};
    lastTape = tape.tape ?? null;
    // What became of the scenario's faults: the device faults' hits counted by the array's
    // worker, or the worker faults' record kept here (a scenario has one kind or the other).
    const hits = closed.find((c) => c.faults)?.faults ?? faults?.record.hits;
    const result = await servers.finish(tape.tape ?? new Uint8Array(0), tape.tapeBlocks ?? 0, arrayEvents, hits);
    const { eventLog, ...runResult } = result;
    lastFigures = {
      handleMode, arrayWorkers, durability: s.durability, flushRounds, tapeFlushes, persisted: q.persisted, quota: q.quota, usage: q.usage,
      steps: perRole(live, LB.STEPS0, 1), busyMs: perRole(live, LB.BUSY0, 1e-3),
      idleWaits: stats.reduce((n, x) => n + x.idleWaits, 0), wallMs: Math.round(performance.now() - t0), events: eventLog,
      ...workerFaultFigures(faults),
      workers: { used: workers.length, reused: reused.size },
    };
    // Ended cleanly, every worker its own from the start: they serve the next run warm.
    if (!faults) { keepWorkers(workers); workers.length = 0; }
    return runResult;
  } finally {
    live.stop();
    dropWorkers(workers);
    // A run stopped by abortLive() ends (its time-out) long after; the next run is not its to end.
    if (current === me) current = null;
  }
}

/** How far ahead of the servers' start t = 0 is set (the workers' first slices). */
const START_AHEAD_MS = 20;

/** A sizing refused for quota in 508's worker → the refusal the user reads, with the numbers. */
function reservation(e: unknown, q: { needBytes: number; availableBytes: number | null }): unknown {
  const m = new RegExp(`${RESERVE_REFUSED} (\\S+) (\\d+)`).exec(String(e));
  if (!m) return e;
  return new QuotaRefusedError(reservationRefused(q.needBytes, m[1], Number(m[2]), q.availableBytes), q.needBytes, Number(m[2]) - 1);
}

/** A per-role word of the live block (ROLES order), by processor. */
function perRole(live: LiveBlock, word: number, scale: number): Record<string, number> {
  return Object.fromEntries(PROCESSORS.map((r) => [r, Math.round(live.word(word + ROLES.indexOf(r)) * scale)]));
}

/** Waits until every processor sleeps with nothing to do (doorbell-driven, no polling loop). */
async function waitQuiescent(live: LiveBlock): Promise<void> {
  const roles = [0, 1, 2, 3]; // ROLES order: 501, 502, 503, 508
  const deadline = performance.now() + RUN_TIMEOUT_MS;
  for (;;) {
    const g = live.bell.generation();
    if (live.quiescent(roles)) return;
    if (performance.now() > deadline) throw new Error('the array did not go quiet');
    await live.bell.waitAsync(g, 20);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`${what} within ${ms / 1000} s`)), ms);
    p.then((v) => { clearTimeout(t); res(v); }, (e) => { clearTimeout(t); rej(e); });
  });
}

/**
 * What the servers know during a run (null when no run is going). `withAcked`: the list of
 * every write acknowledged so far too (the durability tests'); the page's poll leaves it
 * out, since the servers' worker, which takes the array's answers, would copy the whole
 * growing list at every poll (empty then).
 */
export async function liveProgress(withAcked = true): Promise<(Awaited<ReturnType<ServersWorkerApi['progress']>> & { backupState: number; unitsSent: number; ackedWrites: { id: number; lba: number; blocks: number }[] }) | null> {
  const c = current;
  if (!c || !c.started) return null;
  const p = await c.servers.progress();
  const i32 = new Int32Array(c.memory.buffer);
  const backupState = Atomics.load(i32, (c.lay.L.p511 >> 2) + B.STATE);
  // Units of the backup handed to the tape so far (511's SENT_SEQ).
  const unitsSent = Atomics.load(i32, (c.lay.L.p511 >> 2) + B.SENT_SEQ);
  return { ...p, backupState, unitsSent, ackedWrites: withAcked ? await c.servers.acked() : [] };
}

/**
 * The running live run's acknowledged writes from the `from`-th acknowledgement on, in the
 * order they arrived, and the splits answered so far (null when none runs).
 */
export async function liveAcks(from: number): Promise<LiveAcks | null> {
  const c = current;
  if (!c || !c.started) return null;
  return c.servers.ackedSince(from);
}

/**
 * Calls `cb` with the running live run's acknowledgements as they arrive (from now on), and
 * its splits answered so far; false when no run is going. Each call is one message from the
 * servers' worker, sent the moment they have the acks (the kill test, tests/e2e/live-kill.spec.ts).
 */
export async function streamLiveAcks(cb: (acks: LiveAcks) => void): Promise<boolean> {
  const c = current;
  if (!c || !c.started) return false;
  await c.servers.streamAcks(Comlink.proxy(cb));
  return true;
}

/**
 * The array's events logged so far in the running live run (null when none is going), in
 * time order: the processors' logs are drained into the run's store and a copy returned,
 * so the final event log still holds every event (the live timeline fills as things
 * happen).
 */
export async function liveEventsSoFar(): Promise<SimEvent[] | null> {
  const c = current;
  if (!c || !c.started) return null;
  const fresh = (await Promise.all(c.procs.map((p) => p.drainEvents()))).flat();
  if (current !== c) return null;
  c.drained.push(...fresh);
  if (fresh.length) c.drained.sort((a, b) => a.t - b.t);
  return c.drained.slice();
}

/** The array's state for the playground's maps (live-maps.ts), or null when no run is going. */
export function liveArrayState(): LiveArrayState | null {
  const c = current;
  return c && c.started ? readArrayState(c.memory, c.lay) : null;
}

/** Stops a running live run at once (the playground's reset, or leaving the page). */
export function abortLive(): void {
  if (!current) return;
  current.live.stop();
  dropWorkers(current.workers);
  current = null;
}

/** After a reload: recover the pairs, replay acknowledged writes, report interrupted work. */
export async function recoverLive(): Promise<RecoveryReport> {
  const files = await listFiles();
  if (!files.some((f) => f.name === FILES.meta[0] || f.name === FILES.meta[1])) {
    return { found: false, pairs: [], bitmapsTrusted: true, interrupted: [], backups: [], replayedWrites: 0, notes: [] };
  }
  return inRecoveryWorker((w) => w.recover());
}

/** One call to a recovery worker of its own (it opens the files it reads), then the worker goes. */
async function inRecoveryWorker<T>(f: (w: Remote<RecoveryWorkerApi>) => Promise<T>): Promise<T> {
  const w = new Worker(new URL('./recovery-worker.ts', import.meta.url), { type: 'module' });
  try {
    return await f(Comlink.wrap<RecoveryWorkerApi>(w));
  } finally {
    w.terminate();
  }
}

type AckTimes = { id: number; lba: number; blocks: number; ack: number }[];

/** Checks the S-VOL against the split-instant image (a split that completed after a recovery). */
export function checkSplitImageLive(seed: number, blockBytes: number, blocks: number, writes: AckTimes, splitAckAt: number) {
  return inRecoveryWorker((w) => w.checkSplitImage(seed, blockBytes, blocks, writes, splitAckAt));
}

/** Checks the tape of a backup that completed before an unclean stop against the split-instant image. */
export function checkTapeImageLive(seed: number, blockBytes: number, blocks: number, writes: AckTimes, splitAckAt: number) {
  return inRecoveryWorker((w) => w.checkTapeImage(seed, blockBytes, blocks, writes, splitAckAt));
}

/** Checks the P-VOL against acknowledged writes (the reload test's durability check). */
export function checkAckedLive(seed: number, blockBytes: number, acked: { id: number; lba: number; blocks: number }[]) {
  return inRecoveryWorker((w) => w.checkAcked(seed, blockBytes, acked));
}
