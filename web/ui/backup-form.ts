/**
 * Bounds of the backup form's "blocks per tape block" (the Commands tab): one transfer unit
 * is one tape record, and a record holds at most LIMITS.maxTransferBytes (65535) bytes so
 * Hercules' tapemap/hetget read every tape (src/scenario/schema.ts); 511's staging area also
 * holds no more than the volume (memory-507.ts unitMax). The default is the one validation
 * gives a backup that names none (LIMITS.defaultTransferBytes, 32 KiB records). Pure, so the
 * form can never offer a value that 502 would refuse, and tests can say so.
 */
import { LIMITS, type Geometry } from '../../src/scenario/schema.ts';

export interface TransferBounds {
  min: 1;
  /** The largest unit 502 accepts for this geometry. */
  max: number;
  /** What a backup without transferBlocks gets (validate.ts). */
  dflt: number;
}

export function transferBounds(g: Pick<Geometry, 'blocks' | 'blockBytes'>): TransferBounds {
  const max = Math.max(1, Math.min(g.blocks, Math.floor(LIMITS.maxTransferBytes / g.blockBytes)));
  const dflt = Math.min(max, Math.max(1, Math.floor(LIMITS.defaultTransferBytes / g.blockBytes)));
  return { min: 1, max, dflt };
}

/** Any typed value, as a unit inside the bounds (NaN and fractions included). */
export function clampTransfer(v: number, g: Pick<Geometry, 'blocks' | 'blockBytes'>): number {
  const { max, dflt } = transferBounds(g);
  if (!Number.isFinite(v)) return dflt;
  return Math.min(max, Math.max(1, Math.floor(v)));
}
