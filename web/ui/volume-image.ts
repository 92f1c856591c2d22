/**
 * Checks of an uploaded volume image before anything changes: a raw image becomes the P-VOL
 * at t = 0, so its size must be whole blocks of the scenario's block size and within the
 * volume limits validation enforces (src/scenario/validate.ts: 16 blocks at least,
 * LIMITS.maxBlocks and LIMITS.maxVolumeBytes at most). Every refusal names the numbers.
 * Pure: no File, no DOM, so tests can call it.
 */
import { LIMITS } from '../../src/scenario/schema.ts';

/** The fewest blocks validation accepts for a volume. */
export const MIN_VOLUME_BLOCKS = 16;

export type ImageCheck = { ok: true; blocks: number } | { ok: false; message: string };

const n = (v: number) => v.toLocaleString('en');

export function checkImage(bytes: number, blockBytes: number): ImageCheck {
  const cap = Math.min(LIMITS.maxVolumeBytes, LIMITS.maxBlocks * blockBytes);
  if (!Number.isInteger(bytes) || bytes <= 0) return { ok: false, message: 'the file is empty: an image needs whole blocks of data' };
  if (bytes > cap) {
    return { ok: false, message: `${n(bytes)} bytes is over the volume cap of ${n(cap)} bytes (${n(cap / blockBytes)} blocks of ${n(blockBytes)} bytes)` };
  }
  if (bytes % blockBytes !== 0) {
    return { ok: false, message: `${n(bytes)} bytes is not a multiple of the block size ${n(blockBytes)} (${n(bytes % blockBytes)} bytes left over)` };
  }
  const blocks = bytes / blockBytes;
  if (blocks < MIN_VOLUME_BLOCKS) {
    return { ok: false, message: `${n(blocks)} blocks of ${n(blockBytes)} bytes is under the smallest volume, ${MIN_VOLUME_BLOCKS} blocks (${n(MIN_VOLUME_BLOCKS * blockBytes)} bytes)` };
  }
  return { ok: true, blocks };
}
