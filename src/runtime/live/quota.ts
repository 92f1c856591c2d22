/**
 * Quota before any write (docs/architecture.md#volumes-in-opfs): the volumes and
 * the tape are sized from navigator.storage.estimate() before a single byte is written, and
 * a set that does not fit is refused with the numbers, so a full disk is a message the user
 * reads and never a half-written volume.
 */

import { CATALOG_RECORD_BYTES } from '../../devices/tape-catalog.ts';
import type { Scenario } from '../../scenario/schema.ts';

/** The part of StorageEstimate we use (both fields are optional in the standard). */
export interface QuotaEstimate {
  quota?: number;
  usage?: number;
}

/** A file the run needs, and how large its file already is (0 if new). */
export interface PlannedFile {
  name: string;
  bytes: number;
  existingBytes: number;
}

export type QuotaVerdict =
  | { ok: true; needBytes: number; availableBytes: number | null }
  | { ok: false; needBytes: number; availableBytes: number; message: string };

/** Marks a sizing the browser refused for quota (the bridge turns it into the user's message). */
export const RESERVE_REFUSED = 'splitstream:reserve-refused';

/**
 * The tape image the script's backups write: each range in its transfer unit, each block
 * behind its 6-byte AWSTAPE header, and a tapemark per backup; exactly, for plain backups.
 * A catalogued one (docs/scenario.md "Incremental backups and restore") is bounded from
 * above: an incremental may hold every block of its range as a record of its own, a
 * tapemark may close a file a failed backup left open, and the catalog after it names
 * every catalogued backup so far with at most one run per block (CATALOG_ENTRY_BYTES and
 * CATALOG_RUN_BYTES bound an entry's JSON). 503 lays it out before the run (live-ctx.ts
 * opfsTape), and the quota is planned with it: a live run's backups are the script's
 * (servers-live.ts), so nothing more reaches the tape.
 */
export function scriptTapeBytes(s: Scenario): number {
  const { blocks, blockBytes } = s.geometry;
  let n = 0, catalog = 0;
  for (const c of s.script) {
    if (c.op !== 'backup') continue;
    const len = c.blocks === 0 ? blocks - c.lba : Math.min(c.blocks, blocks - c.lba);
    const records = c.level === 'incremental' ? len : Math.ceil(len / Math.max(1, c.transferBlocks));
    n += len * blockBytes + records * 6 + 6;
    if (!c.level) continue;
    catalog += CATALOG_ENTRY_BYTES + CATALOG_RUN_BYTES * (c.level === 'incremental' ? len : 1);
    n += 6 + catalog + Math.ceil(catalog / CATALOG_RECORD_BYTES) * 6 + 6;
  }
  return n;
}

/** Upper bounds of one catalog entry's JSON without its runs, and of one run ("[lba,n],"). */
const CATALOG_ENTRY_BYTES = 512;
const CATALOG_RUN_BYTES = 24;

/** Keep some room for the metadata records and the browser's own bookkeeping. */
export const QUOTA_HEADROOM_BYTES = 1 << 20;

/** Bytes in human units: the numbers in the message are the ones the user compares. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/**
 * Does the plan fit? Growth counts only what files add beyond their current size (an
 * existing volume of the right size costs nothing new). Without a quota figure the plan
 * is allowed, and the write path still reports a QuotaExceededError as a device error.
 */
export function checkQuota(est: QuotaEstimate, plan: PlannedFile[]): QuotaVerdict {
  const needBytes = plan.reduce((s, f) => s + Math.max(0, f.bytes - f.existingBytes), 0) + QUOTA_HEADROOM_BYTES;
  if (est.quota === undefined || !Number.isFinite(est.quota)) return { ok: true, needBytes, availableBytes: null };
  const availableBytes = Math.max(0, est.quota - (est.usage ?? 0));
  if (needBytes <= availableBytes) return { ok: true, needBytes, availableBytes };
  const biggest = [...plan].sort((a, b) => b.bytes - a.bytes)[0];
  const message =
    `Refused before any write: the run needs ${formatBytes(needBytes)} (${needBytes} bytes, ` +
    `including ${formatBytes(QUOTA_HEADROOM_BYTES)} for metadata) but this origin may store only ` +
    `${formatBytes(availableBytes)} more (${availableBytes} bytes: quota ${est.quota}, used ${est.usage ?? 0}). ` +
    (biggest ? `The largest file is ${biggest.name} at ${formatBytes(biggest.bytes)}. ` : '') +
    'Choose fewer or smaller blocks, or free space for this site.';
  return { ok: false, needBytes, availableBytes, message };
}

/**
 * The browser may enforce less than estimate() reports (a site-data limit, an override):
 * the volumes are sized before any data is written, and a sizing the browser refuses
 * becomes the same kind of refusal, with the numbers.
 */
export function reservationRefused(needBytes: number, file: string, fileBytes: number, reportedAvailable: number | null): string {
  return `Refused before any write: the run needs ${formatBytes(needBytes)} (${needBytes} bytes) but the browser ` +
    `refused to reserve ${formatBytes(fileBytes)} (${fileBytes} bytes) for ${file} (QuotaExceededError), ` +
    `although storage.estimate() reported ${reportedAvailable === null ? 'no quota' : `${formatBytes(reportedAvailable)} (${reportedAvailable} bytes)`} available. ` +
    'Choose fewer or smaller blocks, or free space for this site.';
}
