/**
 * Opening a live run's files, for whichever worker hosts the processor that owns each
 * (roles.ts: a worker per processor; array-group.ts: one worker for all four): the volumes
 * sized at once, the tape laid out for the script's backups, the cache journal over its
 * staging area in shared memory, and the blocks seeded dirty in cache journaled before t = 0.
 */
import type { Core } from '../../core/core-api.ts';
import type { Ctx } from '../../array/context.ts';
import { SlotState } from '../../array/memory-507.ts';
import type { AwsTapeWriter } from '../../devices/awstape.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { CacheJournal, journalBytes, type FlushTickets, type JournalGeometry } from './cache-journal.ts';
import { journalState } from './journal-replay.ts';
import { opfsTape, type OpfsTapeOptions } from './live-ctx.ts';
import type { LiveLayout } from './live-layout.ts';
import { FILES, openSync, type HandleMode } from './opfs-store.ts';
import { OpfsBlockDevice } from '../../devices/opfs-device.ts';
import type { Wiring } from './live-ctx.ts';
import { RESERVE_REFUSED, scriptTapeBytes } from './quota.ts';

export interface TapeFile { handle: FileSystemSyncAccessHandle; writer: AwsTapeWriter; flush(): void }

export interface Volumes {
  pvol: OpfsBlockDevice;
  svol: OpfsBlockDevice;
  /** How the files are open: 'readwrite-unsafe' or 'readwrite'. */
  mode: HandleMode;
  close(): void;
}

/**
 * The P-VOL and the S-VOL, sized at once so their space is reserved before a single block is
 * written; a size the browser refuses leaves both files empty and closed, and becomes the
 * quota message (RESERVE_REFUSED).
 */
export async function openVolumes(wantShared: boolean, w: Wiring): Promise<Volumes> {
  const pv = await openSync(FILES.pvol, wantShared);
  const sv = await openSync(FILES.svol, pv.mode === 'readwrite-unsafe');
  const sized = (name: string, file: string, handle: FileSystemSyncAccessHandle) => {
    try {
      return new OpfsBlockDevice({ name, handle, blockBytes: w.blockBytes, blocks: w.blocks });
    } catch (e) {
      pv.handle.truncate(0);
      sv.handle.truncate(0);
      pv.handle.close();
      sv.handle.close();
      throw String(e).includes('QuotaExceededError') ? new Error(`${RESERVE_REFUSED} ${file} ${w.blocks * w.blockBytes}`) : e;
    }
  };
  const pvol = sized('pvol-601', FILES.pvol, pv.handle);
  const svol = sized('svol-602', FILES.svol, sv.handle);
  return { pvol, svol, mode: pv.mode, close: () => { pvol.close(); svol.close(); } };
}

/**
 * The tape 303, laid out for the script's backups; a refused size becomes the quota message.
 * `opt`: carried on from its end (resume), and the scenario's faults (inject) asked before
 * every block and tapemark (live-ctx.ts opfsTape).
 */
export async function openTape(s: Scenario, shared: boolean, atTapemark?: () => void, opt: OpfsTapeOptions = {}): Promise<TapeFile> {
  const t = await openSync(FILES.tape, shared);
  const bytes = scriptTapeBytes(s);
  try {
    return { handle: t.handle, ...opfsTape(t.handle, bytes, atTapemark, opt) };
  } catch (e) {
    t.handle.close();
    if (String(e).includes('QuotaExceededError')) throw new Error(`${RESERVE_REFUSED} ${FILES.tape} ${bytes}`);
    throw e;
  }
}

export function journalGeometry(s: Scenario): JournalGeometry {
  return { blocks: s.geometry.blocks, blockBytes: s.geometry.blockBytes, cacheSlots: s.geometry.cacheSlots, maxWriteBlocks: Math.max(1, s.workload.maxBlocks) };
}

/** The journal file's size for a scenario (the quota plan counts it). */
export function journalFileBytes(s: Scenario): number {
  return journalBytes(journalGeometry(s));
}

/**
 * The cache journal of a run over `handle`, encoding in the live layout's staging area so
 * that the core's compiled CRC-32C checksums each record where it lies.
 */
export function openJournal(handle: FileSystemSyncAccessHandle, core: Core, lay: LiveLayout, s: Scenario, ctx: Ctx,
  flushes: FlushTickets, resume = false): CacheJournal {
  const buf = new Uint8Array(core.memory.buffer, lay.journalArea, lay.journalBytes);
  const staging = { buf, crc: (at: number, len: number) => core.checksum(lay.journalArea + at, len) >>> 0 };
  const deps = { dirty: (b: number) => ctx.cache.isDirty(b), flushes, flushEach: s.durability === 'flush' };
  if (resume) {
    // 501's restarted worker carries the run's journal on where the lost one left it.
    const bytes = new Uint8Array(handle.getSize());
    handle.read(bytes, { at: 0 });
    const state = journalState(bytes);
    if (!state) throw new Error('cache journal: no journal of this run to carry on');
    return new CacheJournal(handle, journalGeometry(s), staging, deps, 0, state);
  }
  try {
    return new CacheJournal(handle, journalGeometry(s), staging, deps);
  } catch (e) {
    if (String(e).includes('QuotaExceededError')) throw new Error(`${RESERVE_REFUSED} ${FILES.journal} ${journalFileBytes(s)}`);
    throw e;
  }
}

/**
 * Journals every block dirty in cache before the run starts (the scenario's seeded cache,
 * whose newest data the P-VOL does not hold yet), as writes of id -1: a crash before 508
 * destages them must not lose them either.
 */
export function journalDirtySlots(j: CacheJournal, ctx: Ctx): number {
  const { m, cache } = ctx;
  let n = 0;
  for (let s = 0; s < m.L.slots; s++) {
    if (cache.stateOf(s) !== SlotState.DIRTY) continue;
    j.append(-1, cache.lbaOfSlot(s), 1, m.u8.subarray(m.slotPtr(s), m.slotPtr(s) + m.L.blockBytes));
    n++;
  }
  j.commit();
  return n;
}
