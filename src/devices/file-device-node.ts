/**
 * Node only: a volume kept in a file, for the CLI over the sim runtime (src/cli.ts,
 * docs/architecture.md#layers) when a volume is too big for memory or should outlive the
 * process. Reads and writes go to explicit offsets (no shared file position), flush() is
 * fsync: the same durability point OPFS's flush() gives the live runtime
 * (docs/architecture.md#volumes-in-opfs).
 */
import * as fs from 'node:fs';
import { type BlockDevice, DeviceError, checkGeometry, checkRange } from './block-device.ts';

export interface FileDeviceOptions {
  /** File to open; created if missing. */
  path: string;
  blockBytes: number;
  /**
   * Volume size in blocks: the file is set to exactly blocks*blockBytes bytes (extended
   * with zeros, or cut). Omitted: the file must exist and its size sets the block count.
   */
  blocks?: number;
  /** Defaults to the path. */
  name?: string;
}

export class FileBlockDevice implements BlockDevice {
  readonly name: string;
  readonly blockBytes: number;
  readonly blocks: number;
  readonly path: string;
  private fd: number | undefined;

  private constructor(name: string, path: string, fd: number, blocks: number, blockBytes: number) {
    this.name = name;
    this.path = path;
    this.fd = fd;
    this.blocks = blocks;
    this.blockBytes = blockBytes;
  }

  /** Opens (creating or sizing) the file; throws RangeError on a geometry that cannot fit. */
  static open(opts: FileDeviceOptions): FileBlockDevice {
    const name = opts.name ?? opts.path;
    let blocks = opts.blocks;
    if (blocks === undefined) {
      const size = fs.statSync(opts.path).size;
      checkGeometry(name, 0, opts.blockBytes);
      if (size % opts.blockBytes !== 0) {
        throw new RangeError(`${name}: file size ${size} is not a multiple of ${opts.blockBytes}`);
      }
      blocks = size / opts.blockBytes;
    }
    checkGeometry(name, blocks, opts.blockBytes);
    // 'a+' would force appends; 'r+' fails on a missing file, so create it first with 'a'.
    if (!fs.existsSync(opts.path)) fs.closeSync(fs.openSync(opts.path, 'a'));
    const fd = fs.openSync(opts.path, 'r+');
    try {
      const want = blocks * opts.blockBytes;
      if (fs.fstatSync(fd).size !== want) fs.ftruncateSync(fd, want);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    return new FileBlockDevice(name, opts.path, fd, blocks, opts.blockBytes);
  }

  read(lba: number, count: number, into: Uint8Array): void {
    checkRange(this, lba, count, into, 'read');
    const fd = this.handle('read', lba);
    const len = count * this.blockBytes;
    let done = 0;
    // readSync may return fewer bytes than asked; loop until the range is in.
    while (done < len) {
      const n = this.io('read', lba, () =>
        fs.readSync(fd, into, done, len - done, lba * this.blockBytes + done));
      if (n === 0) throw new DeviceError(this.name, 'read', lba, 'file ended early (truncated?)');
      done += n;
    }
  }

  write(lba: number, count: number, from: Uint8Array): void {
    checkRange(this, lba, count, from, 'write');
    const fd = this.handle('write', lba);
    const len = count * this.blockBytes;
    let done = 0;
    while (done < len) {
      done += this.io('write', lba, () =>
        fs.writeSync(fd, from, done, len - done, lba * this.blockBytes + done));
    }
  }

  flush(): void {
    const fd = this.handle('flush', 0);
    this.io('flush', 0, () => fs.fsyncSync(fd));
  }

  /** Releases the file; later calls throw DeviceError. Idempotent. */
  close(): void {
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }

  private handle(op: 'read' | 'write' | 'flush', lba: number): number {
    if (this.fd === undefined) throw new DeviceError(this.name, op, lba, 'device is closed');
    return this.fd;
  }

  /** Turns an OS error (EIO, ENOSPC, …) into a DeviceError the SCSI layer understands. */
  private io<T>(op: 'read' | 'write' | 'flush', lba: number, f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw new DeviceError(this.name, op, lba, e instanceof Error ? e.message : String(e));
    }
  }
}
