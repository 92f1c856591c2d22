/**
 * Fault injection over the devices (docs/scenario.md#faults): wrappers that ask an
 * injector, before every I/O, whether it fails, and then throw the injector's error
 * without touching the device. The scenario's faults (a media error at an LBA, an S-VOL
 * write error, a tape write error at a block, the quota running out) are injectors built by
 * the runtime; the systematic test and the soak use failNth(), which fails the n-th I/O.
 * The wrapped devices stay the real ones: a test reads their bytes to check what survived.
 */
import { AWS_HEADER_BYTES, AWS_MAX_SEGMENT, AwsTapeWriter, type AwsTapeWriterOptions } from './awstape.ts';
import { type BlockDevice, type DeviceError, checkRange } from './block-device.ts';

/** One I/O about to happen. On the tape, lba is the tape block number (0 = the first). */
export interface Io {
  device: string;
  op: 'read' | 'write' | 'flush' | 'tapemark';
  lba: number;
  count: number;
  /** On the tape: the image's size before the write and after it (headers included). */
  tapeBytes?: { from: number; to: number };
}

/** Returns the error the I/O fails with, or null to let it happen. */
export type Injector = (io: Io) => DeviceError | null;

export class FaultyBlockDevice implements BlockDevice {
  constructor(readonly inner: BlockDevice, private readonly inject: Injector) {}

  get name(): string { return this.inner.name; }
  get blockBytes(): number { return this.inner.blockBytes; }
  get blocks(): number { return this.inner.blocks; }

  read(lba: number, count: number, into: Uint8Array): void {
    checkRange(this, lba, count, into, 'read');
    this.check('read', lba, count);
    this.inner.read(lba, count, into);
  }

  write(lba: number, count: number, from: Uint8Array): void {
    checkRange(this, lba, count, from, 'write');
    this.check('write', lba, count);
    this.inner.write(lba, count, from);
  }

  flush(): void {
    this.check('flush', 0, 0);
    this.inner.flush();
  }

  private check(op: Io['op'], lba: number, count: number): void {
    const e = this.inject({ device: this.name, op, lba, count });
    if (e) throw e;
  }
}

/** The tape 303 with an injector before every block and tapemark it writes. */
export class FaultyTapeWriter extends AwsTapeWriter {
  constructor(private readonly inject: Injector, opts?: AwsTapeWriterOptions, readonly name = 'tape-303') {
    super(opts);
  }

  override writeBlock(data: Uint8Array): void {
    const from = this.bytesWritten, to = from + data.byteLength + AWS_HEADER_BYTES * Math.max(1, Math.ceil(data.byteLength / AWS_MAX_SEGMENT));
    const e = this.inject({ device: this.name, op: 'write', lba: this.blocksWritten, count: 1, tapeBytes: { from, to } });
    if (e) throw e;
    super.writeBlock(data);
  }

  override writeTapemark(): void {
    const from = this.bytesWritten;
    const e = this.inject({ device: this.name, op: 'tapemark', lba: this.blocksWritten, count: 0, tapeBytes: { from, to: from + AWS_HEADER_BYTES } });
    if (e) throw e;
    super.writeTapemark();
  }
}

/** Chains injectors: the first that fails an I/O decides. */
export function anyOf(...injectors: Injector[]): Injector {
  return (io) => {
    for (const f of injectors) {
      const e = f(io);
      if (e) return e;
    }
    return null;
  };
}

/**
 * Counts the I/Os that `match` selects and fails the n-th of them (0-based) with
 * `error(io)`; n < 0 fails none (a run that only counts). `seen` is the count so far,
 * `failed` the I/O it failed: what SQLite's test harness does to every I/O in turn.
 */
export function failNth(n: number, error: (io: Io) => DeviceError, match: (io: Io) => boolean = () => true) {
  const state = {
    seen: 0,
    failed: null as Io | null,
    inject: ((io) => {
      if (!match(io)) return null;
      if (state.seen++ !== n) return null;
      state.failed = io;
      return error(io);
    }) as Injector,
  };
  return state;
}
