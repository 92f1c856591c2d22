/**
 * A pair without the patent: the prior-art synchronous split (SPEC.md "The problem",
 * point 1). While the pair is duplex every write to the P-VOL is mirrored to the S-VOL at
 * once, so a split has nothing pending and freezes the S-VOL immediately. It lets the
 * standalone target (no controller) run pair CDBs and the C0h split-and-copy truthfully;
 * the array adapter uses the controller's quick split instead.
 */
import type { BlockDevice } from '../devices/block-device.ts';
import type { PairPort } from './lu.ts';
import type { PairQuery, PairStateName } from './pair-cdb.ts';
import { SENSE, fail } from './sense.ts';

export class SyncPair implements PairPort {
  state: PairStateName = 'simplex';
  /** The P-VOL as the client sees it: writes are mirrored while the pair is duplex. */
  readonly pvolPort: BlockDevice;

  constructor(readonly pvol: BlockDevice, readonly svol: BlockDevice) {
    const mirror = (lba: number, count: number, from: Uint8Array): void => {
      pvol.write(lba, count, from);
      if (this.state === 'duplex') svol.write(lba, count, from);
    };
    this.pvolPort = {
      name: pvol.name, blockBytes: pvol.blockBytes, blocks: pvol.blocks,
      read: (lba, count, into) => pvol.read(lba, count, into),
      write: mirror,
      flush: () => pvol.flush(),
    };
  }

  private only(pair: number, ...from: PairStateName[]): void {
    if (pair !== 0) fail(SENSE.INVALID_FIELD_IN_CDB, { cdb: true, byte: 2 }, 'one pair: 0');
    if (!from.includes(this.state)) fail(SENSE.COMMAND_SEQUENCE_ERROR, undefined, `pair is ${this.state}`);
  }

  /** Formation copy, done at once (SPEC.md state 2 → 3 without the wait). */
  create(pair: number): void {
    this.only(pair, 'simplex');
    this.copyAll();
    this.state = 'duplex';
  }

  split(pair: number): void {
    this.only(pair, 'duplex');
    this.state = 'split';
  }

  resync(pair: number): void {
    this.only(pair, 'split');
    this.copyAll();
    this.state = 'duplex';
  }

  delete(pair: number): void {
    this.only(pair, 'duplex', 'split');
    this.state = 'simplex';
  }

  query(pair: number): PairQuery {
    if (pair !== 0) fail(SENSE.INVALID_FIELD_IN_CDB, { cdb: true, byte: 2 }, 'one pair: 0');
    return { pair, pvolState: this.state, svolState: this.state, pendingBlocks: 0 };
  }

  private copyAll(): void {
    const step = 256;
    const buf = new Uint8Array(step * this.pvol.blockBytes);
    for (let lba = 0; lba < this.pvol.blocks; lba += step) {
      const n = Math.min(step, this.pvol.blocks - lba);
      this.pvol.read(lba, n, buf);
      this.svol.write(lba, n, buf);
    }
  }
}
