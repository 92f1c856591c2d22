/**
 * Browser, dedicated worker only: a volume in an OPFS file through a
 * FileSystemSyncAccessHandle, the live runtime's P-VOL 601 / S-VOL 602
 * (docs/architecture.md#volumes-in-opfs). The handle is synchronous, which is why BlockDevice
 * is. The caller opens the handle (createSyncAccessHandle, possibly with mode
 * 'readwrite-unsafe' on Chromium 121+) and passes it in; this class only maps blocks to byte
 * offsets. Reads and writes may take views straight into shared WASM memory: no copy here.
 */
import { type BlockDevice, DeviceError, checkGeometry, checkRange } from './block-device.ts';

export interface OpfsDeviceOptions {
  name: string;
  handle: FileSystemSyncAccessHandle;
  blockBytes: number;
  /** Sets the file to exactly blocks*blockBytes bytes; omitted: taken from the file size. */
  blocks?: number;
}

export class OpfsBlockDevice implements BlockDevice {
  readonly name: string;
  readonly blockBytes: number;
  readonly blocks: number;
  private readonly handle: FileSystemSyncAccessHandle;

  constructor(opts: OpfsDeviceOptions) {
    const size = opts.handle.getSize();
    const blocks = opts.blocks ?? Math.floor(size / opts.blockBytes);
    checkGeometry(opts.name, blocks, opts.blockBytes);
    // Sizing can fail on quota: surface it as the device's error, a message the user sees.
    try {
      if (size !== blocks * opts.blockBytes) opts.handle.truncate(blocks * opts.blockBytes);
    } catch (e) {
      throw new DeviceError(opts.name, 'write', 0, `cannot size file: ${String(e)}`);
    }
    this.name = opts.name;
    this.handle = opts.handle;
    this.blocks = blocks;
    this.blockBytes = opts.blockBytes;
  }

  read(lba: number, count: number, into: Uint8Array): void {
    checkRange(this, lba, count, into, 'read');
    const len = count * this.blockBytes;
    const n = this.io('read', lba, () =>
      this.handle.read(into.subarray(0, len), { at: lba * this.blockBytes }));
    if (n !== len) throw new DeviceError(this.name, 'read', lba, `short read: ${n} of ${len} bytes`);
  }

  write(lba: number, count: number, from: Uint8Array): void {
    checkRange(this, lba, count, from, 'write');
    const len = count * this.blockBytes;
    const n = this.io('write', lba, () =>
      this.handle.write(from.subarray(0, len), { at: lba * this.blockBytes }));
    if (n !== len) throw new DeviceError(this.name, 'write', lba, `short write: ${n} of ${len} bytes (quota?)`);
  }

  flush(): void {
    this.io('flush', 0, () => this.handle.flush());
  }

  /** Closes the handle, releasing OPFS's lock on the file. */
  close(): void {
    this.handle.close();
  }

  private io<T>(op: 'read' | 'write' | 'flush', lba: number, f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw new DeviceError(this.name, op, lba, e instanceof Error ? e.message : String(e));
    }
  }
}

/**
 * A sink for AwsTapeWriter that appends the tape 303's image to an OPFS file
 * (docs/architecture.md#the-tape: the AWSTAPE file lives in OPFS and is downloadable).
 * Starts at `at` (default: the end of the file, so a tape can be extended); call
 * handle.flush() when done.
 */
export function opfsTapeSink(handle: FileSystemSyncAccessHandle, at = handle.getSize()): (chunk: Uint8Array) => void {
  let pos = at;
  return (chunk) => {
    const n = handle.write(chunk, { at: pos });
    if (n !== chunk.byteLength) throw new Error(`tape image: short write ${n} of ${chunk.byteLength} bytes (quota?)`);
    pos += n;
  };
}
