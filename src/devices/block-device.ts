/**
 * The block-device contract every volume (P-VOL 601, S-VOL 602, a disk backup target
 * §0048) is reached through (docs/architecture.md#one-controller-two-runtimes). It is
 * synchronous on purpose: the live runtime's OPFS FileSystemSyncAccessHandle is synchronous
 * inside dedicated workers, and the sim runs every processor in one thread, so an async
 * contract would only add interleavings the patent's processor 508 never has.
 */
export interface BlockDevice {
  /** Name used in errors and event logs (e.g. 'pvol-601'). */
  readonly name: string;
  /** Bytes per logical block (e.g. 512 or 4096). */
  readonly blockBytes: number;
  /** Number of logical blocks; valid LBAs are [0, blocks). */
  readonly blocks: number;
  /** Reads `count` blocks from `lba` into the first count*blockBytes bytes of `into`. */
  read(lba: number, count: number, into: Uint8Array): void;
  /** Writes the first count*blockBytes bytes of `from` to `count` blocks at `lba`. */
  write(lba: number, count: number, from: Uint8Array): void;
  /** Durability point (docs/architecture.md#volumes-in-opfs: flush() is where data is safe). */
  flush(): void;
}

export type DeviceOp = 'read' | 'write' | 'flush';

/**
 * A device-level failure. The SCSI layer maps one raised during segment processing to
 * COPY ABORTED 0A/0D/01 "third-party device failure" (docs/scsi.md#sense-codes), and a range
 * error found before any data moves to 05/21/00 (it checks ranges itself first).
 */
export class DeviceError extends Error {
  readonly device: string;
  readonly op: DeviceOp;
  readonly lba: number;
  constructor(device: string, op: DeviceOp, lba: number, reason: string) {
    super(`${device}: ${op} at LBA ${lba}: ${reason}`);
    this.name = 'DeviceError';
    this.device = device;
    this.op = op;
    this.lba = lba;
  }
}

/**
 * The storage behind a device has no room left (the browser's quota for the site, a full
 * disk): a write that needed more space failed and nothing was written. A tape reports
 * it as the end of its medium; the array reports it as a backup that ran out of room,
 * with the volumes intact (their space is laid out before a run).
 */
export class QuotaError extends DeviceError {
  constructor(device: string, op: DeviceOp, lba: number, reason = 'storage quota exhausted') {
    super(device, op, lba, reason);
    this.name = 'QuotaError';
  }
}

/**
 * Validates one read/write request against the device geometry and the caller's buffer;
 * throws DeviceError so every implementation rejects the same requests the same way.
 * A zero-block transfer at lba == blocks is allowed (an empty range at the end).
 */
export function checkRange(
  dev: Pick<BlockDevice, 'name' | 'blockBytes' | 'blocks'>,
  lba: number,
  count: number,
  buf: Uint8Array,
  op: 'read' | 'write' = 'read',
): void {
  if (!Number.isSafeInteger(lba) || lba < 0) {
    throw new DeviceError(dev.name, op, lba, 'LBA is not a non-negative integer');
  }
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new DeviceError(dev.name, op, lba, `block count ${count} is not a non-negative integer`);
  }
  if (lba + count > dev.blocks) {
    throw new DeviceError(dev.name, op, lba,
      `range of ${count} blocks ends past the last block (${dev.blocks} blocks)`);
  }
  const need = count * dev.blockBytes;
  if (buf.byteLength < need) {
    throw new DeviceError(dev.name, op, lba,
      `buffer holds ${buf.byteLength} bytes, ${need} needed`);
  }
}

/** Validates a geometry at construction, so a device never exists with a nonsense shape. */
export function checkGeometry(name: string, blocks: number, blockBytes: number): void {
  if (!Number.isSafeInteger(blockBytes) || blockBytes <= 0) {
    throw new RangeError(`${name}: blockBytes must be a positive integer, got ${blockBytes}`);
  }
  if (!Number.isSafeInteger(blocks) || blocks < 0) {
    throw new RangeError(`${name}: blocks must be a non-negative integer, got ${blocks}`);
  }
}
