/**
 * What each processor's worker owns in the live runtime (docs/live.md#who-runs-where):
 *   508  the P-VOL and S-VOL files (it lays 507 out and writes the initial volumes first)
 *   501  port 401 and the cache journal (the cache made non-volatile, cache-journal.ts)
 *   502  port 402 (EXTENDED COPY bytes in, answers out)
 *   503  the tape file, and with 'readwrite-unsafe' handles its own reads (and priority
 *        copies) of the volumes for the backup's units (Ctx.serve508, docs/live.md)
 * Every role persists the metadata after its own steps when the browser offers
 * 'readwrite-unsafe' handles (all four workers then share the two slot files, serialised by
 * the step lock); without it only 501, where the pair commands are answered, persists, and
 * every volume I/O goes through 508. `shareHandles: false` asks for exclusive handles even
 * where the browser has the shared mode (window.splitstream.run's `handles: 'exclusive'`).
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
import { OpfsWriteJournal } from './cache-journal.ts';
import { attachCtx, opfsTape, type Wiring } from './live-ctx.ts';
import type { LiveLayout } from './live-layout.ts';
import { MetadataPersister } from './metadata-persister.ts';
import { recordBytesFor } from './metadata-record.ts';
import { FILES, OpfsSlotStore, openSync } from './opfs-store.ts';
import { Port401, Port402 } from './port-adapters.ts';
import type { LiveBlock } from './processor-host.ts';
import { seedLiveVolumes } from './seed-live.ts';
import { RESERVE_REFUSED, scriptTapeBytes } from './quota.ts';
import { AwsTapeWriter } from '../../devices/awstape.ts';

export interface ProcessorInit {
  role: Extract<Actor, '501' | '502' | '503' | '508'>;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  lay: LiveLayout;
  wiring: Wiring;
  scenario: Scenario;
  mode: string;
  /** Date.now() when the run was created, for the metadata's report after a reload. */
  startedAt: number;
  /** Ask for 'readwrite-unsafe' handles (where the browser has them); false: exclusive ones. */
  shareHandles: boolean;
}

export interface RoleHost {
  role: ProcessorInit['role'];
  processor: Processor;
  /** 'readwrite-unsafe' or 'readwrite': how this worker's files are open. */
  handleMode: string;
  afterStep(): void;
  /** Private work done outside the step lock (port draining); true if it did any. */
  unlocked?(): boolean;
  close(clean: boolean): Promise<{ tape?: Uint8Array; tapeBlocks?: number }>;
}

export async function buildRole(a: ProcessorInit, core: Core, live: LiveBlock, events: SimEvent[], now: () => number): Promise<RoleHost> {
  const { role, wiring: w } = a;
  // Exclusive handles only (the bridge learned it from 508's files): the slot files are 501's
  // alone, and no other worker may even open them (an open would fail while 501 holds them).
  let meta: OpfsSlotStore | null = a.shareHandles || role === '501' || role === '508' ? await OpfsSlotStore.open(a.shareHandles) : null;
  let handleMode: string = meta?.mode ?? 'readwrite';
  const label = { scenario: JSON.stringify(a.scenario), mode: a.mode, startedAt: a.startedAt };
  // Room for the run's largest record: the scenario appears in the run label and in each of
  // the two in-flight operations, and JSON may escape up to every other character.
  const reserve = recordBytesFor(w.blocks, 6 * label.scenario.length + 4096);
  if (meta && meta.mode !== 'readwrite-unsafe' && role !== '501') {
    // 508 comes first and finds out; it forgets the old records now (the volumes are about
    // to be rewritten, see below) and leaves the slot files to 501 (set up after it).
    if (role === '508') meta.clear(reserve);
    meta.close();
    meta = null;
  }
  const closers: (() => void)[] = [() => meta?.close()];
  const persisterOf = (ctx: Ctx) => (meta ? new MetadataPersister(meta, ctx, live, label, role) : null);
  const base = { role, handleMode, close: async (_clean: boolean) => { closers.forEach((c) => c()); return {}; } };

  if (role === '508') {
    const pv = await openSync(FILES.pvol, a.shareHandles);
    const sv = await openSync(FILES.svol, a.shareHandles);
    handleMode = pv.mode;
    // Sizing both files reserves their space before a single block is written.
    const sized = (name: string, file: string, handle: FileSystemSyncAccessHandle) => {
      try {
        return new OpfsBlockDevice({ name, handle, blockBytes: w.blockBytes, blocks: w.blocks });
      } catch (e) {
        pv.handle.truncate(0);
        sv.handle.truncate(0);
        pv.handle.close();
        sv.handle.close();
        closers.forEach((c) => c());
        if (String(e).includes('QuotaExceededError')) throw new Error(`${RESERVE_REFUSED} ${file} ${w.blocks * w.blockBytes}`);
        throw e;
      }
    };
    const pvol = sized('pvol-601', FILES.pvol, pv.handle);
    const svol = sized('svol-602', FILES.svol, sv.handle);
    const noTape = new AwsTapeWriter({ sink: () => { throw new Error('508 does not write the tape'); } });
    const ctl = new Controller({
      core, blocks: w.blocks, blockBytes: w.blockBytes, cacheSlots: w.slots, cost: createCostModel(w.costs),
      pvol, svol, tape: noTape, now, log: (e) => events.push(e),
    });
    // The volumes are about to be rewritten: no old record may describe them any more.
    meta?.clear(reserve);
    seedLiveVolumes(a.scenario, ctl, pvol, svol);
    pvol.flush();
    svol.flush();
    const persister = persisterOf(ctl.ctx);
    persister?.maybeCommit();
    return {
      ...base, handleMode, processor: ctl.p508, afterStep: () => persister?.maybeCommit(),
      close: async (clean) => {
        pvol.flush();
        svol.flush();
        pvol.close();
        svol.close();
        // Quiet and flushed: the bitmaps now describe the volumes exactly (a CLEAN record).
        if (clean) persister?.commit(true);
        closers.forEach((c) => c());
        return {};
      },
    };
  }

  const dev: Parameters<typeof attachCtx>[3] = {};
  let tapeFile: { handle: FileSystemSyncAccessHandle; flush(): void; writer: AwsTapeWriter } | null = null;
  if (role === '503') {
    const t = await openSync(FILES.tape, false);
    const tapeBytes = scriptTapeBytes(a.scenario);
    try {
      tapeFile = { handle: t.handle, ...opfsTape(t.handle, tapeBytes) };
    } catch (e) {
      t.handle.close();
      closers.forEach((c) => c());
      if (String(e).includes('QuotaExceededError')) throw new Error(`${RESERVE_REFUSED} ${FILES.tape} ${tapeBytes}`);
      throw e;
    }
    dev.tape = tapeFile.writer;
    if (handleMode === 'readwrite-unsafe') {
      // Shared handles: 503 reads (and, for a priority copy, writes) the volumes itself
      // with 508's code (Ctx.serve508), so a unit is staged without waking 508's worker.
      // 508 laid the files out first (workers are set up in order, 508 first).
      for (const [key, file, name] of [['pvol', FILES.pvol, 'pvol-601'], ['svol', FILES.svol, 'svol-602']] as const) {
        const h = await openSync(file, true);
        closers.push(() => { h.handle.flush(); h.handle.close(); });
        if (h.mode !== 'readwrite-unsafe') throw new Error(`503: ${file} opened as ${h.mode}, expected readwrite-unsafe`);
        dev[key] = new OpfsBlockDevice({ name, handle: h.handle, blockBytes: w.blockBytes, blocks: w.blocks });
      }
    }
  }
  const ctx = attachCtx(core, role, w, dev, events, now);
  if (dev.pvol) {
    const d508 = new Disk508(ctx);
    ctx.serve508 = (type, a, n, seg) => d508.serve(type, a, n, seg);
  }
  const persister = persisterOf(ctx);

  if (role === '501') {
    const j = await openSync(FILES.journal, false);
    const journal = new OpfsWriteJournal(j.handle, w.blockBytes, true);
    const port = new Port401(new Channel501(ctx), ctx, a.lay, journal);
    return {
      ...base, processor: port,
      afterStep: () => { persister?.maybeCommit(); port.publish(); },
      unlocked: () => port.pull(),
      close: async (clean) => {
        // After a clean end every acknowledged write is on the flushed P-VOL (508 closes first).
        if (clean) {
          journal.reset();
          persister?.commit(true);
        }
        j.handle.close();
        closers.forEach((c) => c());
        return {};
      },
    };
  }
  if (role === '502') {
    // 502 asks 501 whether a combined split is allowed and 503 why a backup failed: both
    // answers come from 507, so local instances over the same memory serve.
    const port = new Port402(new Channel502(ctx, new Channel501(ctx), new Channel503(ctx)), ctx, a.lay);
    return { ...base, processor: port, afterStep: () => { persister?.maybeCommit(); port.publish(); }, unlocked: () => port.pull() };
  }
  const p503 = new Channel503(ctx);
  return {
    ...base, processor: p503,
    afterStep: () => persister?.maybeCommit(),
    close: async () => {
      const t = tapeFile!;
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

