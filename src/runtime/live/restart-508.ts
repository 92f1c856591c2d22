/**
 * Disk processor 508's worker, fresh or restarted after a `worker` fault terminated the
 * last one (worker-faults.ts, docs/live.md "A processor's worker terminated").
 *
 * What 508 keeps outside 507, and why a fresh worker loses nothing by losing it:
 *   - Disk508 itself (disk-508.ts) holds only the blocks its last step copied; every queue
 *     it serves (copies before write, 503's requests), its copy cursor, the bitmaps and the
 *     cache are in 507.
 *   - Its handles on the volumes: the files are opened again as they are (OpfsBlockDevice
 *     sizes a file only when its size is wrong); every write the old worker's steps made
 *     had returned, so it is in the file.
 *   - The metadata persister's sequence and last state are words of the live block
 *     (metadata-persister.ts); its DifferentialKeeper's last split sequence only decides
 *     whether a snapshot of 514 is written again: a fresh one writes one more, with the
 *     same bits (differential-514-store.ts).
 * Nothing is seeded, cleared or laid out: 507, the metadata slots and 514's file are the
 * running run's.
 */
import type { Core } from '../../core/core-api.ts';
import type { Ctx, Processor } from '../../array/context.ts';
import { Disk508 } from '../../array/disk-508.ts';
import type { SimEvent } from '../../array/events.ts';
import type { OpfsBlockDevice } from '../../devices/opfs-device.ts';
import { DifferentialKeeper, diffSourceOf } from './differential-514-store.ts';
import { attachCtx } from './live-ctx.ts';
import { openVolumes } from './live-files.ts';
import { coreChecksum, type MetadataPersister } from './metadata-persister.ts';
import type { OpfsSlotStore } from './opfs-store.ts';
import type { LiveBlock } from './processor-host.ts';
import type { ProcessorInit, RoleHost } from './roles.ts';

/** What buildRole (roles.ts) has opened for every role before it looks at 508's own. */
export interface RoleParts {
  base: Pick<RoleHost, 'role' | 'handleMode'>;
  closers: (() => void)[];
  meta: OpfsSlotStore;
  persisterOf: (ctx: Ctx, keeper?: DifferentialKeeper) => MetadataPersister;
  df: FileSystemSyncAccessHandle;
  flushFirst: boolean;
  saved: { get(): number; set(v: number): void };
}

/** 508's host over its volumes: the persister after every step, a CLEAN record at a clean close. */
export function host508(p: RoleParts, ctx: Ctx, proc: Processor, pvol: OpfsBlockDevice, svol: OpfsBlockDevice): RoleHost {
  const keeper = new DifferentialKeeper(p.df, diffSourceOf(ctx), undefined, p.flushFirst ? () => svol.flush() : undefined, coreChecksum(ctx), p.saved);
  const persister = p.persisterOf(ctx, keeper);
  persister.maybeCommit();
  return {
    ...p.base, processor: proc, afterStep: () => persister.maybeCommit(),
    close: async (clean) => {
      pvol.flush();
      svol.flush();
      pvol.close();
      svol.close();
      // Quiet and flushed: the bitmaps now describe the volumes exactly (a CLEAN record).
      if (clean) {
        p.meta.flushes = true;
        persister.commit(true);
      }
      p.closers.forEach((c) => c());
      return {};
    },
  };
}

/** A fresh 508 over the running 507 and the existing volumes (ProcessorInit.restart). */
export async function restart508(a: ProcessorInit, core: Core, _live: LiveBlock, events: SimEvent[], now: () => number, p: RoleParts): Promise<RoleHost> {
  const { pvol, svol } = await openVolumes(true, a.wiring).catch((e: unknown) => { p.closers.forEach((c) => c()); throw e; });
  const ctx = attachCtx(core, '508', a.wiring, { pvol, svol }, events, now);
  return host508(p, ctx, new Disk508(ctx), pvol, svol);
}
