/**
 * After a reload the volumes hold every acknowledged write
 * (docs/live.md#what-survives-what), checked from the client's side: for every block some
 * acknowledged write covered, the P-VOL must hold that write's data or a later write's (ids
 * rise in issue order, and 501 acknowledges a port's writes in order), and the block must
 * be intact: exactly fillBlock(seed, gen, lba) for the generation it carries
 * (src/core/prng.ts stamps lba and generation in words 0–1).
 */
import { fillBlock } from '../../core/prng.ts';
import { imageGenerations } from '../../oracle/oracle.ts';
import { readAwsTape } from '../../devices/awstape.ts';

export interface AckedBlockError {
  lba: number;
  /** The generation the newest acknowledged write gave it. */
  atLeast: number;
  /** The generation found (word 1), or what was wrong. */
  found: number | string;
}

export function checkAckedWrites(
  readBlock: (lba: number) => Uint8Array,
  seed: number,
  blockBytes: number,
  acked: readonly { id: number; lba: number; blocks: number }[],
): { checkedBlocks: number; errors: AckedBlockError[] } {
  const newest = new Map<number, number>();
  for (const w of acked) {
    for (let b = w.lba; b < w.lba + w.blocks; b++) newest.set(b, Math.max(newest.get(b) ?? 0, w.id + 1));
  }
  const errors: AckedBlockError[] = [];
  const expect = new Uint8Array(blockBytes);
  for (const [lba, atLeast] of [...newest].sort((a, b) => a[0] - b[0])) {
    const got = readBlock(lba);
    const dv = new DataView(got.buffer, got.byteOffset, got.byteLength);
    const gen = dv.getInt32(4, true);
    if (dv.getUint32(0, true) !== lba) { errors.push({ lba, atLeast, found: 'block holds another LBA\'s data' }); continue; }
    if (gen < atLeast) { errors.push({ lba, atLeast, found: gen }); continue; }
    fillBlock(expect, seed, gen, lba);
    let same = true;
    for (let i = 0; i < blockBytes && same; i++) same = expect[i] === got[i];
    if (!same) errors.push({ lba, atLeast, found: `generation ${gen} with damaged data` });
  }
  return { checkedBlocks: newest.size, errors };
}

/**
 * The S-VOL of a split that completed is the split-instant image
 * (docs/patent.md#the-point-in-time-rule), checked from the client's side: each block holds
 * the oracle's generation for it (src/oracle/: the last write acknowledged before the split's
 * acknowledgement, else the initial content, generation 0) and is intact. `writes`: every
 * write acknowledged before the split, with the array's acknowledgement times.
 */
export function checkSplitImage(
  readBlock: (lba: number) => Uint8Array,
  seed: number,
  blockBytes: number,
  blocks: number,
  writes: readonly { id: number; lba: number; blocks: number; ack: number }[],
  splitAckAt: number,
): { checkedBlocks: number; errors: AckedBlockError[] } {
  const gen = imageGenerations(blocks, writes, splitAckAt);
  const errors: AckedBlockError[] = [];
  const expect = new Uint8Array(blockBytes);
  for (let lba = 0; lba < blocks; lba++) {
    const got = readBlock(lba);
    fillBlock(expect, seed, gen[lba], lba);
    let same = true;
    for (let i = 0; i < blockBytes && same; i++) same = expect[i] === got[i];
    if (!same) errors.push({ lba, atLeast: gen[lba], found: new DataView(got.buffer, got.byteOffset, 8).getInt32(4, true) });
  }
  return { checkedBlocks: blocks, errors };
}

/**
 * A backup that completed before an unclean stop (its tape file closed by a tapemark, which
 * is flushed before the backup's end is answered) holds the split-instant image: the first
 * tape file's blocks, in LBA order from block 0, against the oracle's generations. A tape
 * without a closed file (no backup completed, or one cut off) is reported as such, not checked.
 */
export function checkTapeImage(
  tape: Uint8Array,
  seed: number,
  blockBytes: number,
  blocks: number,
  writes: readonly { id: number; lba: number; blocks: number; ack: number }[],
  splitAckAt: number,
): { completed: boolean; checkedBlocks: number; errors: AckedBlockError[] } {
  let file: Uint8Array[];
  try {
    const t = readAwsTape(tape);
    if (t.tapemarks === 0) return { completed: false, checkedBlocks: 0, errors: [] };
    file = t.files[0];
  } catch {
    return { completed: false, checkedBlocks: 0, errors: [] };
  }
  const data = new Uint8Array(file.reduce((n, b) => n + b.length, 0));
  file.reduce((at, b) => { data.set(b, at); return at + b.length; }, 0);
  if (data.length !== blocks * blockBytes) {
    return { completed: true, checkedBlocks: 0, errors: [{ lba: -1, atLeast: 0, found: `tape file of ${data.length} bytes, not the volume's ${blocks * blockBytes}` }] };
  }
  return { completed: true, ...checkSplitImage((lba) => data.subarray(lba * blockBytes, (lba + 1) * blockBytes), seed, blockBytes, blocks, writes, splitAckAt) };
}
