/**
 * A volume held in one Uint8Array: the sim runtime's P-VOL 601 / S-VOL 602 and the
 * devices most tests use. `failAt` injects a device failure so the EXTENDED COPY path can
 * be tested for COPY ABORTED 0A/0D/01 "third-party device failure" mid-copy
 * (docs/scsi.md#sense-codes).
 */
import { type BlockDevice, DeviceError, checkGeometry, checkRange } from './block-device.ts';

/** Largest volume kept in memory: past this a tab (or a test runner) is likely to die. */
export const MEMORY_DEVICE_MAX_BYTES = 1024 * 1024 * 1024;

export interface MemoryDeviceOptions {
  name: string;
  blocks: number;
  blockBytes: number;
  /** Any read (or write) whose range covers this LBA throws DeviceError, touching nothing. */
  failAt?: { op: 'read' | 'write'; lba: number };
  /** Initial contents (copied); must be exactly blocks*blockBytes bytes. */
  data?: Uint8Array;
}

export class MemoryBlockDevice implements BlockDevice {
  readonly name: string;
  readonly blockBytes: number;
  readonly blocks: number;
  /** The whole volume, blocks*blockBytes bytes; tests read it to check the PIT image. */
  readonly data: Uint8Array;
  /** Mutable so a test can arm a failure after setup (e.g. after the split). */
  failAt: { op: 'read' | 'write'; lba: number } | undefined;
  /** Number of flush() calls, so tests can see the durability point was reached. */
  flushes = 0;

  constructor(opts: MemoryDeviceOptions) {
    checkGeometry(opts.name, opts.blocks, opts.blockBytes);
    const size = opts.blocks * opts.blockBytes;
    if (size > MEMORY_DEVICE_MAX_BYTES) {
      throw new RangeError(`${opts.name}: ${size} bytes exceeds the in-memory device cap of ` +
        `${MEMORY_DEVICE_MAX_BYTES} bytes (1 GiB); use a file or OPFS device`);
    }
    this.name = opts.name;
    this.blocks = opts.blocks;
    this.blockBytes = opts.blockBytes;
    this.failAt = opts.failAt;
    if (opts.data !== undefined) {
      if (opts.data.byteLength !== size) {
        throw new RangeError(`${opts.name}: initial data is ${opts.data.byteLength} bytes, ` +
          `geometry needs ${size}`);
      }
      this.data = opts.data.slice();
    } else {
      this.data = new Uint8Array(size);
    }
  }

  read(lba: number, count: number, into: Uint8Array): void {
    checkRange(this, lba, count, into, 'read');
    this.injectFailure('read', lba, count);
    const off = lba * this.blockBytes;
    into.set(this.data.subarray(off, off + count * this.blockBytes));
  }

  write(lba: number, count: number, from: Uint8Array): void {
    checkRange(this, lba, count, from, 'write');
    this.injectFailure('write', lba, count);
    this.data.set(from.subarray(0, count * this.blockBytes), lba * this.blockBytes);
  }

  flush(): void {
    this.flushes++;
  }

  private injectFailure(op: 'read' | 'write', lba: number, count: number): void {
    const f = this.failAt;
    if (f !== undefined && f.op === op && f.lba >= lba && f.lba < lba + count) {
      throw new DeviceError(this.name, op, f.lba, 'injected device failure');
    }
  }
}
