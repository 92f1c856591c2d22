/**
 * The tape's catalog (docs/architecture.md#the-tape, "The catalog"): which backup each
 * tape file holds, so a restore can put a full backup and its incrementals back in order.
 * It is a tape file of its own, written after each catalogued backup's data file: UTF-8
 * JSON cut into records of at most CATALOG_RECORD_BYTES, so `hetget` extracts it as text
 * and every AWSTAPE reader sees plain blocks. Each catalog file is the whole catalog up to
 * then; the last one that decodes is the tape's catalog. A tape that ends partial (a backup
 * cut off before its tapemark, or a catalog cut off) still has the previous catalog, which
 * names only whole files.
 *
 * A data file holds the blocks of its entry's `runs`, in order, and no record holds blocks
 * of two runs: a full backup is one run (its range), an incremental one run per stretch of
 * changed blocks. A record's blocks are therefore consecutive on the volume, and a restore
 * maps the k-th block of the file to the k-th block of the runs.
 */

import type { TapeIndex } from './tape-index.ts';

export const CATALOG_FORMAT = 'splitstream-tape-catalog';
export const CATALOG_VERSION = 1;
/** Records of a catalog file: 32 KiB, well under the 65535 bytes Hercules' tools read. */
export const CATALOG_RECORD_BYTES = 32768;
/** Cap on a catalog's size, so a corrupt tape can never make a reader take without limit. */
const MAX_CATALOG_BYTES = 64 << 20;

export type Level = 'full' | 'incremental';

export interface CatalogEntry {
  /** The restore point: this entry's index in the catalog. */
  point: number;
  /** Tape file number holding the data (1-based, as `hetget` and `splitstream tape` count). */
  file: number;
  level: Level;
  /** An incremental's base: the point it holds the changes since. */
  base: number | null;
  /** The array's split number and instant (ms of the array's clock) the backup holds. */
  split: number;
  splitAt: number;
  /** The chain's range on the volume (an incremental holds its changed blocks only). */
  lba: number;
  blocks: number;
  blockBytes: number;
  /** Tape blocks of the file, and the volume blocks of a whole one (a run's last may be shorter). */
  records: number;
  recordBlocks: number;
  /** The blocks the file holds, as [first LBA, count] in file order. */
  runs: [number, number][];
}

export interface Catalog {
  format: typeof CATALOG_FORMAT;
  version: typeof CATALOG_VERSION;
  entries: CatalogEntry[];
}

export function emptyCatalog(): Catalog {
  return { format: CATALOG_FORMAT, version: CATALOG_VERSION, entries: [] };
}

/** Blocks a list of runs holds. */
export function runBlocks(runs: readonly (readonly [number, number])[]): number {
  let n = 0;
  for (const [, k] of runs) n += k;
  return n;
}

/** The catalog file's records. */
export function encodeCatalog(c: Catalog): Uint8Array[] {
  const bytes = new TextEncoder().encode(JSON.stringify(c));
  const out: Uint8Array[] = [];
  for (let o = 0; o < bytes.byteLength; o += CATALOG_RECORD_BYTES) out.push(bytes.subarray(o, o + CATALOG_RECORD_BYTES));
  return out;
}

/** Whether a tape file's first record begins like a catalog (cheap: no decode). */
export function looksLikeCatalog(first: Uint8Array | undefined): boolean {
  const head = `{"format":"${CATALOG_FORMAT}"`;
  if (!first || first.byteLength < head.length) return false;
  for (let i = 0; i < head.length; i++) if (first[i] !== head.charCodeAt(i)) return false;
  return true;
}

/** A tape file as a catalog, or why it is not one. Never throws. */
export function decodeCatalog(records: readonly Uint8Array[]): { ok: true; catalog: Catalog } | { ok: false; reason: string } {
  if (!looksLikeCatalog(records[0])) return { ok: false, reason: 'not a catalog file' };
  const total = records.reduce((n, r) => n + r.byteLength, 0);
  if (total > MAX_CATALOG_BYTES) return { ok: false, reason: `catalog of ${total} bytes is over the cap` };
  const all = new Uint8Array(total);
  let o = 0;
  for (const r of records) { all.set(r, o); o += r.byteLength; }
  let json: unknown;
  try { json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(all)); } catch (e) {
    return { ok: false, reason: `catalog is not whole JSON (${e instanceof Error ? e.message : e})` };
  }
  const why = checkCatalog(json);
  return why ? { ok: false, reason: why } : { ok: true, catalog: json as Catalog };
}

const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

function checkCatalog(c: unknown): string | null {
  if (typeof c !== 'object' || c === null) return 'catalog is not an object';
  const o = c as Record<string, unknown>;
  if (o.version !== CATALOG_VERSION) return `catalog version ${String(o.version)}, this reader knows ${CATALOG_VERSION}`;
  if (!Array.isArray(o.entries)) return 'catalog has no entries list';
  for (const [i, e] of (o.entries as unknown[]).entries()) {
    const why = checkEntry(e, i);
    if (why) return `entry ${i}: ${why}`;
  }
  return null;
}

function checkEntry(e: unknown, i: number): string | null {
  if (typeof e !== 'object' || e === null) return 'not an object';
  const x = e as Record<string, unknown>;
  if (x.point !== i) return `point ${String(x.point)} is not its index`;
  if (!isInt(x.file, 1) || !isInt(x.split) || !isInt(x.lba) || !isInt(x.blocks) || !isInt(x.blockBytes, 1) || !isInt(x.records) || !isInt(x.recordBlocks, 1)) {
    return 'file, split, lba, blocks, blockBytes, records and recordBlocks must be whole numbers';
  }
  if (typeof x.splitAt !== 'number' || !Number.isFinite(x.splitAt)) return 'splitAt must be a number';
  if (x.level !== 'full' && x.level !== 'incremental') return 'level must be full or incremental';
  if (x.level === 'full' ? x.base !== null : !(isInt(x.base) && x.base < i)) return 'base must be null for a full, an earlier point for an incremental';
  if (!Array.isArray(x.runs)) return 'runs must be a list';
  let end = x.lba;
  for (const r of x.runs as unknown[]) {
    if (!Array.isArray(r) || r.length !== 2 || !isInt(r[0]) || !isInt(r[1], 1)) return 'a run must be [lba, count ≥ 1]';
    if (r[0] < end || r[0] + r[1] > x.lba + x.blocks) return `run ${r[0]}+${r[1]} is out of order or outside the range`;
    end = r[0] + r[1];
  }
  return null;
}

/**
 * The entries a restore to `point` applies, in order: the full the chain starts from, then
 * each incremental up to `point`. Throws RangeError naming what is missing.
 */
export function chainOf(c: Catalog, point: number): CatalogEntry[] {
  const e = c.entries[point];
  if (!e) throw new RangeError(`no restore point ${point}: the catalog has ${c.entries.length}`);
  const chain = [e];
  for (let x = e; x.level === 'incremental'; ) {
    const b = c.entries[x.base!];
    if (!b) throw new RangeError(`restore point ${x.point} builds on point ${x.base}, which the catalog lacks`);
    chain.unshift(b);
    x = b;
  }
  return chain;
}

/**
 * The tape's catalog: the last file that decodes as one and names only files before it
 * (a data file that happens to begin like a catalog never does both). Its file number is
 * 0 and the catalog empty when the tape has none.
 */
export function readCatalog(index: TapeIndex): { catalog: Catalog; file: number } {
  index.refresh();
  for (let f = index.fileCount; f >= 1; f--) {
    const first = index.files[f - 1].blocks.length > 0 ? index.read(f, 0) : undefined;
    if (!looksLikeCatalog(first)) continue;
    const r = decodeCatalog(index.readFile(f));
    if (r.ok && r.catalog.entries.every((e) => e.file < f)) return { catalog: r.catalog, file: f };
  }
  return { catalog: emptyCatalog(), file: 0 };
}
