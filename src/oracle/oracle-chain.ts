/**
 * The oracle for incremental backups and restores (docs/scenario.md "Incremental backups and
 * restore"), as independent of the controller as oracle.ts: it knows only the client's
 * acknowledged writes, the split instants the servers saw and what a tape file or a
 * restored volume holds.
 * - An incremental holds exactly the blocks of its range that some acknowledged write
 *   changed between its base's split and its own (never one more, never one less), each as
 *   the image of its split holds it.
 * - Every restore point, full plus incrementals applied in order, is the image of its
 *   split, block by block, whether rebuilt from the tape files or read back from a
 *   restored volume.
 */
import { verifyBackup, type OracleInput, type Verdict } from './oracle.ts';

export type Run = readonly [number, number];
export interface Range { lba: number; blocks: number }

/** 1 for each block an acknowledged write covered with fromAck ≤ ack < toAck. */
export function changedBetween(blocks: number, writes: OracleInput['writes'], fromAck: number, toAck: number): Uint8Array {
  const out = new Uint8Array(blocks);
  for (const w of writes) {
    if (w.ack < 0 || w.ack < fromAck || w.ack >= toAck) continue;
    out.fill(1, w.lba, w.lba + w.blocks);
  }
  return out;
}

const refused = (reason: string): Verdict => ({ verified: false, reason, blocksCompared: 0, pitSha256: '', tapeDataSha256: '' });

type Base = Omit<OracleInput, 'ranges' | 'tapeFile'>;

/** An incremental's tape file: its blocks are the changed ones of `range`, with their split-instant data. */
export function verifyIncremental(i: Base & { baseSplitAckAt: number; range: Range; runs: readonly Run[]; tapeFile: readonly Uint8Array[] }): Verdict {
  const changed = changedBetween(i.blocks, i.writes, i.baseSplitAckAt, i.splitAckAt);
  const held = new Uint8Array(i.blocks);
  let end = i.range.lba;
  for (const [lba, n] of i.runs) {
    if (lba < end || lba + n > i.range.lba + i.range.blocks) return refused(`run ${lba}+${n} is out of order or outside the range ${i.range.lba}+${i.range.blocks}`);
    for (let b = lba; b < lba + n; b++) {
      if (!changed[b]) return refused(`block ${b}: the incremental holds it, but no write changed it since its base's split`);
      held[b] = 1;
    }
    end = lba + n;
  }
  for (let b = i.range.lba; b < i.range.lba + i.range.blocks; b++) {
    if (changed[b] && !held[b]) return refused(`block ${b}: a write changed it since the base's split, but the incremental lacks it`);
  }
  return verifyBackup({ ...i, ranges: i.runs.map(([lba, blocks]) => ({ lba, blocks })) });
}

/**
 * A restore point rebuilt from the tape: the chain's files applied in order onto the range
 * (each file's blocks to its runs), then compared with the image of the point's split.
 */
export function verifyPoint(i: Base & { range: Range; files: readonly { runs: readonly Run[]; tapeFile: readonly Uint8Array[] }[] }): Verdict {
  const bb = i.blockBytes, { lba: first, blocks } = i.range;
  const image = new Uint8Array(blocks * bb);
  const covered = new Uint8Array(blocks);
  for (const [k, f] of i.files.entries()) {
    const data = join(f.tapeFile);
    let at = 0;
    for (const [lba, n] of f.runs) {
      if (lba < first || lba + n > first + blocks) return refused(`file ${k} of the chain: run ${lba}+${n} is outside the range`);
      if (at + n * bb > data.byteLength) return refused(`file ${k} of the chain holds ${data.byteLength} bytes, its runs more`);
      image.set(data.subarray(at, at + n * bb), (lba - first) * bb);
      covered.fill(1, lba - first, lba - first + n);
      at += n * bb;
    }
    if (at !== data.byteLength) return refused(`file ${k} of the chain holds ${data.byteLength} bytes, its runs ${at}`);
  }
  const hole = covered.indexOf(0);
  if (hole >= 0) return refused(`block ${first + hole}: no file of the chain holds it`);
  return verifyBackup({ ...i, ranges: [i.range], tapeFile: [image] });
}

/** A restored range as read back from its destination, against the image of the point's split. */
export function verifyRestore(i: Base & { range: Range; restored: Uint8Array }): Verdict {
  return verifyBackup({ ...i, ranges: [i.range], tapeFile: [i.restored] });
}

function join(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.byteLength; }
  return out;
}
