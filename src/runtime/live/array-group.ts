/**
 * The four processors in one worker (array-host.ts says why): the Controller itself, as the
 * sim builds it, over the run's OPFS files, with the channel ports of the live runtime
 * around 501 and 502, the cache journal, and the metadata persister. This worker opens every
 * file of the run; with shared handles the flusher worker opens them too and runs the flush
 * rounds (flusher.ts), without them this worker runs them itself.
 *
 * 503 serves its requests to 508 within its own step (Ctx.serve508): in one thread a hop
 * through reqRing would only cost a round. The sim's tests run both arrangements.
 *
 * The scenario's device faults (live-faults.ts) are injected here, as the sim injects them:
 * the controller's volumes and tape are wrapped (src/devices/faults.ts), the seeding and the
 * flush rounds use the files underneath.
 */
import type { Core } from '../../core/core-api.ts';
import { Controller } from '../../array/controller.ts';
import type { SimEvent } from '../../array/events.ts';
import { FaultyBlockDevice } from '../../devices/faults.ts';
import type { FaultHit } from '../faults.ts';
import { createCostModel } from '../cost-model.ts';
import type { ArrayParts } from './array-host.ts';
import { FILES, OpfsSlotStore, openSync } from './opfs-store.ts';
import { InlineFlusher, SharedTickets, tapeDone, type Flushable } from './flusher.ts';
import { journalDirtySlots, openJournal, openTape, openVolumes } from './live-files.ts';
import { liveFaultsOf } from './live-faults.ts';
import { DifferentialKeeper, clearDiffFile, diffSourceOf } from './differential-514-store.ts';
import { MetadataPersister, coreChecksum } from './metadata-persister.ts';
import { recordBytesFor } from './metadata-record.ts';
import { Port401, Port402 } from './port-adapters.ts';
import { LB, ROLES, type LiveBlock } from './processor-host.ts';
import type { ProcessorInit } from './roles.ts';
import { resumeSplitPending } from './resume-508.ts';
import { seedLiveVolumes } from './seed-live.ts';
import { WriteBehindDevice, WriteBehindQueue } from './write-behind.ts';

export interface ArrayHost {
  parts: ArrayParts;
  handleMode: string;
  /** 508's P-VOL writes go behind it, to the disk writer's worker (write-behind.ts). */
  writeBehind: boolean;
  /** `faults`: what became of the scenario's faults (live-faults.ts), in its order. */
  close(clean: boolean): Promise<{ tape?: Uint8Array; tapeBlocks?: number; faults?: FaultHit[] }>;
}

export async function buildArray(a: ProcessorInit, core: Core, live: LiveBlock, events: SimEvent[], now: () => number): Promise<ArrayHost> {
  const { wiring: w, scenario: s } = a;
  const closers: (() => void)[] = [];
  const fail = (e: unknown): never => { closers.forEach((c) => { try { c(); } catch { /* closing after a failure */ } }); throw e; };
  const vols = await openVolumes(a.shareHandles, w);
  const { pvol, svol } = vols;
  closers.push(() => vols.close());
  const shared = vols.mode === 'readwrite-unsafe';
  const meta = await OpfsSlotStore.open(shared).catch(fail);
  closers.push(() => meta.close());
  meta.flushes = s.durability === 'flush';
  const j = await openSync(FILES.journal, shared).catch(fail);
  closers.push(() => j.handle.close());
  const df = await openSync(FILES.diff514, shared).catch(fail);
  closers.push(() => df.handle.close());
  let files: Flushable[] = [];
  const inline = shared ? null : new InlineFlusher(() => files, () => tape.handle, live);
  const tickets = inline ?? new SharedTickets(live);
  // A resumed run carries a recovered pair on: its scenario's faults were the first run's.
  const faults = a.resume ? null : liveFaultsOf(s, now, events);
  const tape = await openTape(s, shared, () => live.setWord(LB.TAPE_TICKET, tickets.requestTape()), { resume: !!a.resume, inject: faults?.io }).catch(fail);
  if (faults) faults.tapeBytes = () => tape.writer.bytesWritten;
  closers.push(() => tape.handle.close());
  files = [pvol, svol, j.handle, tape.handle, df.handle, ...meta.handles];

  // With shared handles 508's writes to the P-VOL go behind it, to the disk writer's worker.
  const behind = shared ? new WriteBehindQueue(core.memory, a.lay.wbArea, w.blocks, a.lay.wbRingBytes, w.blockBytes) : null;
  behind?.init();
  const pvol508 = behind ? new WriteBehindDevice(pvol, behind) : pvol;
  const ctl = new Controller({
    core, blocks: w.blocks, blockBytes: w.blockBytes, cacheSlots: w.slots, cost: createCostModel(w.costs),
    pvol: faults ? new FaultyBlockDevice(pvol508, faults.io) : pvol508, svol: faults ? new FaultyBlockDevice(svol, faults.io) : svol,
    tape: tape.writer, now, log: (e) => events.push(e),
  });
  const ctx = ctl.ctx;
  ctx.serve508 = (type, x, n, seg) => ctl.p508.serve(type, x, n, seg);
  const label = { scenario: JSON.stringify(s), mode: a.mode, startedAt: a.startedAt };
  // The volumes are about to be rewritten: no old record may describe them any more. Room
  // for the run's largest record: the scenario appears in the run label and in each of the
  // two in-flight operations, and JSON may escape up to every other character.
  if (a.resume) {
    // The recovered files as they are: the pair carries on where the recovery left it.
    const r = resumeSplitPending(ctx, meta, df.handle);
    live.setWord(LB.META_SEQ, r.metaSeq);
    ctx.log('508', 'split.resumed', undefined, { split: r.splitSeq, pending: r.pending });
  } else {
    meta.clear(recordBytesFor(w.blocks, 6 * label.scenario.length + 4096));
    clearDiffFile(df.handle, w.blocks);
    seedLiveVolumes(s, ctl, pvol, svol);
  }
  pvol.flush();
  svol.flush();
  const journal = openJournal(j.handle, core, a.lay, s, ctx, tickets);
  journalDirtySlots(journal, ctx);
  j.handle.flush();
  // 514 of a split-pending pair, kept after every step that copied (differential-514-store.ts);
  // the split's boundary comes from port 401 (made below: no split happens before it exists).
  let p401: Port401 | null = null;
  const keeper = new DifferentialKeeper(df.handle, diffSourceOf(ctx), () => p401?.boundary() ?? { lastJournaledId: -1, untaken: [] },
    s.durability === 'flush' ? () => svol.flush() : undefined, coreChecksum(ctx));
  const persister = new MetadataPersister(meta, ctx, live, label, '501', keeper);
  persister.maybeCommit();

  let answered = false;
  const ring = () => { answered = true; };
  const done = (t: number) => tapeDone(live, t);
  p401 = new Port401(ctl.p501, ctx, a.lay, journal, ring);
  const p402 = new Port402(ctl.p502, ctx, a.lay, ring, done, () => live.word(LB.TAPE_TICKET));
  const members = [
    { proc: p401, roleIndex: ROLES.indexOf('501'), front: true },
    { proc: p402, roleIndex: ROLES.indexOf('502'), front: true },
    { proc: ctl.p508, roleIndex: ROLES.indexOf('508'), front: false },
    { proc: ctl.p503, roleIndex: ROLES.indexOf('503'), front: false },
  ];
  const parts: ArrayParts = {
    members,
    pull: () => {
      const a = p401.pull(), b = p402.pull();
      // Answers held for a flush ticket (a backup's end) or for room in a full ring go out
      // as soon as they may, steps or none; a drain may answer by itself (a refused list).
      if (p401.holding()) p401.publish();
      if (p402.holding()) p402.publish();
      parts.endBurst();
      return a || b;
    },
    afterStep: (actor) => {
      persister.maybeCommit(actor);
      p401.publish();
      p402.publish();
    },
    holding: () => p401.holding() || p402.holding(),
    endBurst: () => {
      if (answered) live.answerBell.ring();
      answered = false;
    },
    ...(inline || faults ? { tick: () => { faults?.tick(); inline?.tick(); } } : {}),
  };
  return {
    parts,
    handleMode: vols.mode,
    writeBehind: behind !== null,
    async close(clean) {
      tape.flush();
      const image = new Uint8Array(tape.handle.getSize());
      tape.handle.read(image, { at: 0 });
      pvol508.flush(); // waits for the disk writer first
      pvol.flush();
      svol.flush();
      // Quiet and flushed: every acknowledged write is on the P-VOL (the journal may start
      // over) and the bitmaps describe the volumes exactly (a CLEAN record).
      if (clean) {
        journal.retire();
        meta.flushes = true;
        persister.commit(true);
      }
      closers.forEach((c) => c());
      return { tape: image, tapeBlocks: tape.writer.blocksWritten, ...(faults ? { faults: faults.hits.map((h) => ({ ...h })) } : {}) };
    },
  };
}
