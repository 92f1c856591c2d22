/**
 * One processor per worker (docs/live.md#who-runs-where: the placement for machines with
 * cores to spare; array-group.ts hosts all four in one). What each worker owns
 * (docs/patent.md#parts):
 *   508  the P-VOL and S-VOL files (it lays 507 out and writes the initial volumes first)
 *   501  port 401 and the cache journal (the cache made non-volatile, cache-journal.ts)
 *   502  port 402 (EXTENDED COPY bytes in, answers out)
 *   503  the tape file, and its own reads (and priority copies) of the volumes for the
 *        backup's units (Ctx.serve508, docs/live.md)
 * It needs 'readwrite-unsafe' handles: every worker persists the metadata after its own
 * steps (the four share the two slot files, serialised by the step lock), 503 opens the
 * volumes beside 508, and the flusher worker opens every file for its rounds (flusher.ts).
 * Runs in a dedicated worker (sync access handles), never on the page.
 */
import type { Core } from '../../core/core-api.ts';
import { Channel501 } from '../../array/channel-501.ts';
import { Channel502 } from '../../array/channel-502.ts';
import { Channel503 } from '../../array/channel-503.ts';
import type { Ctx, Processor } from '../../array/context.ts';
import { Controller } from '../../array/controller.ts';
import { Disk508 } from '../../array/disk-508.ts';
import { OpfsBlockDevice } from '../../devices/opfs-device.ts';
import { createCostModel } from '../cost-model.ts';
import type { Actor, SimEvent } from '../../array/events.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { attachCtx, type Wiring } from './live-ctx.ts';
import type { LiveLayout } from './live-layout.ts';
import { journalDirtySlots, openJournal, openTape, openVolumes } from './live-files.ts';
import { DifferentialKeeper, clearDiffFile, diffSourceOf } from './differential-514-store.ts';
import { MetadataPersister, coreChecksum } from './metadata-persister.ts';
import { recordBytesFor } from './metadata-record.ts';
import { FILES, OpfsSlotStore, openSync } from './opfs-store.ts';
import { Port401, Port402 } from './port-adapters.ts';
import { LB, type LiveBlock } from './processor-host.ts';
import { SharedTickets, tapeDone } from './flusher.ts';
import { UNAPPLIED_WRITES } from './cache-journal.ts';
import { seedLiveVolumes } from './seed-live.ts';
import { liveFaultsRefused } from './live-faults.ts';
import { AwsTapeWriter } from '../../devices/awstape.ts';
import { RESTARTABLE } from './worker-faults.ts';
import { host508, restart508, type RoleParts } from './restart-508.ts';

export type Role = Extract<Actor, '501' | '502' | '503' | '508'>;

export interface ProcessorInit {
  /** The processors this worker hosts: all four (array-group.ts), or one. */
  roles: Role[];
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  lay: LiveLayout;
  wiring: Wiring;
  /** The scenario, its `durability` already the run's (window.splitstream.run may override it). */
  scenario: Scenario;
  mode: string;
  /** Date.now() when the run was created, for the metadata's report after a reload. */
  startedAt: number;
  /** Ask for 'readwrite-unsafe' handles (where the browser has them); false: exclusive ones. */
  shareHandles: boolean;
  /**
   * Carry on a split-pending pair a recovery rebuilt (resume-508.ts) instead of seeding the
   * volumes: the files are the recovered ones. One worker for the four processors only.
   */
  resume?: boolean;
  /**
   * A fresh worker of a processor whose worker a `worker` fault terminated
   * (worker-faults.ts): it attaches to the running 507 and opens the existing files as they
   * are, seeding, clearing and laying out nothing. Only the processors of RESTARTABLE.
   */
  restart?: boolean;
}

export interface RoleHost {
  role: Role;
  processor: Processor;
  /** 'readwrite-unsafe' or 'readwrite': how this worker's files are open. */
  handleMode: string;
  afterStep(): void;
  /** Private work done outside the step lock (port draining); true if it did any. */
  unlocked?(): boolean;
  /**
   * Whether the worker may be halted for a worker fault now (worker-faults.ts): false while
   * the processor holds in its worker's memory what 507 and the files lack (501's taken
   * commands, Port401.quiet). Absent: at any step boundary.
   */
  quiet?(): boolean;
  close(clean: boolean): Promise<{ tape?: Uint8Array; tapeBlocks?: number }>;
}

export async function buildRole(a: ProcessorInit, core: Core, live: LiveBlock, events: SimEvent[], now: () => number): Promise<RoleHost> {
  const role = a.roles[0];
  if (a.resume) throw new Error('a resumed run hosts the four processors in one worker');
  if (a.restart && !RESTARTABLE.includes(role)) throw new Error(`processor ${role}'s worker cannot be restarted (worker-faults.ts)`);
  const { wiring: w, scenario: s } = a;
  // Faults are injected where one worker hosts all four (live-faults.ts says why).
  const refused = liveFaultsRefused(s, 4);
  if (refused) throw new Error(refused);
  const meta = await OpfsSlotStore.open(true);
  if (meta.mode !== 'readwrite-unsafe') {
    meta.close();
    throw new Error('a worker per processor needs readwrite-unsafe handles (Chromium 121 and later); this browser hosts all four in one worker');
  }
  meta.flushes = s.durability === 'flush';
  const label = { scenario: JSON.stringify(s), mode: a.mode, startedAt: a.startedAt };
  // Room for the run's largest record: the scenario appears in the run label and in each of
  // the two in-flight operations, and JSON may escape up to every other character.
  const reserve = recordBytesFor(w.blocks, 6 * label.scenario.length + 4096);
  const closers: (() => void)[] = [() => meta.close(), () => df.handle.close()];
  const tickets = new SharedTickets(live);
  // 514 of a split-pending pair (differential-514-store.ts): every worker whose steps copy
  // to the S-VOL (508, 503 serving its own requests) or split (501) keeps it after them.
  const df = await openSync(FILES.diff514, true);
  const flushFirst = s.durability === 'flush';
  const saved = { get: () => live.word(LB.DIFF_SAVED), set: (v: number) => live.setWord(LB.DIFF_SAVED, v) };
  const persisterOf = (ctx: Ctx, keeper?: DifferentialKeeper) => new MetadataPersister(meta, ctx, live, label, role, keeper);
  const base = { role, handleMode: meta.mode, close: async (_clean: boolean) => { closers.forEach((c) => c()); return {}; } };
  const ring = () => live.answerBell.ring();

  const parts508: RoleParts = { base, closers, meta, persisterOf, df: df.handle, flushFirst, saved };
  if (role === '508' && a.restart) return restart508(a, core, live, events, now, parts508);
  if (role === '508') {
    const { pvol, svol } = await openVolumes(true, w).catch((e: unknown) => { closers.forEach((c) => c()); throw e; });
    const noTape = new AwsTapeWriter({ sink: () => { throw new Error('508 does not write the tape'); } });
    const ctl = new Controller({
      core, blocks: w.blocks, blockBytes: w.blockBytes, cacheSlots: w.slots, cost: createCostModel(w.costs),
      pvol, svol, tape: noTape, now, log: (e) => events.push(e),
    });
    // The volumes are about to be rewritten: no old record may describe them any more.
    meta.clear(reserve);
    clearDiffFile(df.handle, w.blocks);
    seedLiveVolumes(s, ctl, pvol, svol);
    pvol.flush();
    svol.flush();
    return host508(parts508, ctl.ctx, ctl.p508, pvol, svol);
  }

  const dev: Parameters<typeof attachCtx>[3] = {};
  let tape: Awaited<ReturnType<typeof openTape>> | null = null;
  if (role === '503') {
    // A restarted 503 carries the run's tape on where its last whole block ends (ProcessorInit.restart).
    tape = await openTape(s, true, () => live.setWord(LB.TAPE_TICKET, tickets.requestTape()), { resume: !!a.restart }).catch((e: unknown) => { closers.forEach((c) => c()); throw e; });
    dev.tape = tape.writer;
    // 503 reads (and, for a priority copy, writes) the volumes itself with 508's code
    // (Ctx.serve508), so a unit is staged without waking 508's worker. 508 laid the files
    // out first (workers are set up in order, 508 first).
    for (const [key, file, name] of [['pvol', FILES.pvol, 'pvol-601'], ['svol', FILES.svol, 'svol-602']] as const) {
      const h = await openSync(file, true);
      closers.push(() => { h.handle.flush(); h.handle.close(); });
      dev[key] = new OpfsBlockDevice({ name, handle: h.handle, blockBytes: w.blockBytes, blocks: w.blocks });
    }
  }
  const ctx = attachCtx(core, role, w, dev, events, now);
  if (dev.pvol) {
    const d508 = new Disk508(ctx);
    ctx.serve508 = (type, x, n, seg) => d508.serve(type, x, n, seg);
  }
  const svolFlush = (h: FileSystemSyncAccessHandle | null) => (flushFirst && h ? () => h.flush() : undefined);

  if (role === '501') {
    const j = await openSync(FILES.journal, true);
    // A restarted 501 carries the run's journal on from its file (cache-journal.ts `resume`);
    // the blocks seeded dirty were journaled by the first worker.
    const journal = openJournal(j.handle, core, a.lay, s, ctx, tickets, !!a.restart);
    if (!a.restart) {
      journalDirtySlots(journal, ctx);
      j.handle.flush();
    }
    const port = new Port401(new Channel501(ctx), ctx, a.lay, journal, ring, UNAPPLIED_WRITES, journal.lastId());
    // The split's step runs here: its 514 snapshot counts copies 508 made before it.
    const sv = flushFirst ? await openSync(FILES.svol, true) : null;
    if (sv) closers.push(() => sv.handle.close());
    const persister = persisterOf(ctx, new DifferentialKeeper(df.handle, diffSourceOf(ctx), () => port.boundary(), svolFlush(sv?.handle ?? null), coreChecksum(ctx), saved));
    return {
      ...base, processor: port,
      afterStep: () => { persister.maybeCommit(); port.publish(); },
      unlocked: () => port.pull(),
      quiet: () => port.quiet(),
      close: async (clean) => {
        // After a clean end every acknowledged write is on the flushed P-VOL (508 closes first).
        if (clean) {
          journal.retire();
          meta.flushes = true;
          persister.commit(true);
        }
        j.handle.close();
        closers.forEach((c) => c());
        return {};
      },
    };
  }
  if (role === '502') {
    const persister = persisterOf(ctx);
    // 502 asks 501 whether a combined split is allowed and 503 why a backup failed: both
    // answers come from 507, so local instances over the same memory serve.
    const done = (t: number) => tapeDone(live, t);
    const port = new Port402(new Channel502(ctx, new Channel501(ctx), new Channel503(ctx)), ctx, a.lay, ring, done, () => live.word(LB.TAPE_TICKET));
    // A restarted 502 reports the job its lost worker had accepted (Port402.carryOn).
    if (a.restart) port.carryOn();
    return {
      ...base, processor: port,
      quiet: () => port.quiet(),
      afterStep: () => { persister.maybeCommit(); port.publish(); },
      // Draining, and publishing a backup's end once its tape's flush is done.
      unlocked: () => port.pull() || (port.holding() && port.publish() > 0),
    };
  }
  const p503 = new Channel503(ctx);
  // A restarted 503 gathers a catalogued backup's runs on from those already streamed.
  if (a.restart) p503.carryOn();
  const svol503 = dev.svol;
  const persister = persisterOf(ctx, new DifferentialKeeper(df.handle, diffSourceOf(ctx), undefined, flushFirst && svol503 ? () => svol503.flush() : undefined, coreChecksum(ctx), saved));
  const t = tape!;
  return {
    ...base, processor: p503,
    afterStep: () => persister.maybeCommit(),
    close: async () => {
      t.flush();
      const image = new Uint8Array(t.handle.getSize());
      t.handle.read(image, { at: 0 });
      const tapeBlocks = t.writer.blocksWritten;
      t.handle.close();
      closers.forEach((c) => c());
      return { tape: image, tapeBlocks };
    },
  };
}
