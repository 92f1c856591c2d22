// The SCSI target bound to the controller (src/scsi/array-lus.ts): pair CDBs through 501,
// client writes through 501, and EXTENDED COPY through 502/503 in each backup mode, with
// the tape equal to the split-instant image. The controller is driven here by a minimal
// stand-in for the sim runtime (each processor's next bounded step runs `cost` ms after
// it is offered, DESIGN.md "sim"), until src/runtime/sim.ts is available.
import { describe, expect, it } from 'vitest';
import { Controller } from '../../src/array/controller.ts';
import type { Method } from '../../src/array/backup.ts';
import type { Processor } from '../../src/array/context.ts';
import { createRefCore } from '../../src/core/reference.ts';
import { createSharedMemory } from '../../src/core/memory.ts';
import { createCostModel } from '../../src/runtime/cost-model.ts';
import { MemoryBlockDevice } from '../../src/devices/memory-device.ts';
import { AwsTapeWriter, readAwsTape } from '../../src/devices/awstape.ts';
import { VirtualClock } from '../../src/scsi/clock.ts';
import { createArrayTarget } from '../../src/scsi/array-lus.ts';
import { LUN, awsTapeSink } from '../../src/scsi/standalone.ts';
import { WireSession } from '../../src/scsi/wire-session.ts';
import { fromHex, toHex } from '../../src/scsi/bytes.ts';
import { extendedCopyCdb, receiveCopyResultsCdb, rwCdb } from '../../src/scsi/cdb.ts';
import { encodePairCdb, decodePairQuery } from '../../src/scsi/pair-cdb.ts';
import { encodeXcopyParams, type SegmentInput } from '../../src/scsi/xcopy-encode.ts';
import { decodeCopyStatus } from '../../src/scsi/receive-copy-results.ts';

/** Runs every processor's offered step `cost` ms later, re-offering after each step. */
class DrivenClock extends VirtualClock {
  private busy = new Set<Processor>();
  constructor(private readonly procs: () => readonly Processor[]) { super(); }
  offer(): void {
    for (const p of this.procs()) {
      if (this.busy.has(p)) continue;
      const w = p.next();
      if (!w) continue;
      this.busy.add(p);
      this.after(w.cost, () => { w.run(); this.busy.delete(p); this.offer(); });
    }
  }
  override runNext(): boolean { this.offer(); return super.runNext(); }
  override advance(ms: number): void {
    const end = this.now() + ms;
    this.offer();
    while (this.pending() > 0 && this.peekTime() <= end) this.runNext();
    super.advance(Math.max(0, end - this.now()));
  }
  private peekTime(): number { return (this as unknown as { queue: { t: number }[] }).queue[0]!.t; }
}

function setup(method: Method, blocks = 1024) {
  const blockBytes = 512;
  const data = new Uint8Array(blocks * blockBytes).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
  const pvol = new MemoryBlockDevice({ name: 'pvol-601', blocks, blockBytes, data });
  const svol = new MemoryBlockDevice({ name: 'svol-602', blocks, blockBytes });
  const backupDisk = new MemoryBlockDevice({ name: 'backup', blocks, blockBytes });
  const tape = new AwsTapeWriter();
  let controller!: Controller;
  const clock = new DrivenClock(() => controller.processors);
  controller = new Controller({
    core: createRefCore(createSharedMemory(1 << 20)), blocks, blockBytes, cacheSlots: 64,
    cost: createCostModel(), pvol, svol, tape, backupDisk, now: () => clock.now(), log: () => {},
  });
  const target = createArrayTarget({ controller, clock, pvol, svol, tape: awsTapeSink(tape), backupDisk, method });
  const wire = new WireSession({ target, clock });
  const cmd = (lun: number, cdb: Uint8Array, d?: Uint8Array, tag?: number) =>
    wire.handleLine(JSON.stringify({ lun, cdb: toHex(cdb), ...(d ? { data: toHex(d) } : {}), ...(tag !== undefined ? { tag } : {}) }))
      .map((l) => JSON.parse(l) as Record<string, any>);
  const cscd = (lun: number) => {
    const lu = target.lu(lun)!;
    return { peripheralType: lu.id.peripheralType, designator: lu.id.naa, blockLength: lu.kind === 'disk' ? blockBytes : 0 };
  };
  const write = (lba: number, n: number, b: number) => cmd(LUN.PVOL, rwCdb('WRITE', lba, n), new Uint8Array(n * blockBytes).fill(b));
  const query = () => decodePairQuery(fromHex(cmd(LUN.CMD_603, encodePairCdb('query'))[0]!.data));
  return { controller, clock, wire, cmd, cscd, write, query, pvol, svol, tape, backupDisk, blocks, blockBytes };
}

describe.each(['priority', 'wait', 'staging'] as const)('backup mode %s through 502/503', (method) => {
  it('quick split, writes after it, EXTENDED COPY to tape = the split-instant image', () => {
    const t = setup(method);
    expect(t.cmd(LUN.CMD_603, encodePairCdb('create'))[0]!.status).toBe('GOOD');
    t.clock.advance(5000); // formation copy
    expect(t.query().pvolState).toBe('duplex');
    t.write(10, 20, 0x11);
    t.write(500, 8, 0x22);
    expect(t.cmd(LUN.CMD_603, encodePairCdb('split'))[0]!.status).toBe('GOOD');
    const pit = Buffer.from(t.controller.read(0, t.blocks));
    for (let i = 0; i < 20; i++) t.write((i * 97) % 1000, 4, 0x80 + i); // after the split
    const segs: SegmentInput[] = [{ type: 0x00, src: 0, dst: 1, streamTransferLength: 16 * 512, blocks: t.blocks, lba: 0n }];
    const list = encodeXcopyParams({ listId: 1, cscds: [t.cscd(LUN.SVOL), t.cscd(LUN.TAPE)], segments: segs });
    const r = t.cmd(LUN.CMD_604, extendedCopyCdb(list.length), list);
    expect(r.at(-1)).toMatchObject({ status: 'GOOD' });
    const image = Buffer.concat(readAwsTape(t.tape.bytes()).files.flat());
    expect(Buffer.compare(image, pit)).toBe(0);
    const st = decodeCopyStatus(fromHex(t.cmd(LUN.CMD_604, receiveCopyResultsCdb(0, 1))[0]!.data));
    expect(st).toMatchObject({ state: 'completed', segmentsProcessed: 1, bytes: t.blocks * t.blockBytes });
  });
});

describe('embodiment 4 through the C0h descriptor', () => {
  it('answers once the split is done while the copy runs; polling sees the end', () => {
    const t = setup('priority');
    t.cmd(LUN.CMD_603, encodePairCdb('create'));
    t.clock.advance(5000);
    t.write(0, 64, 0x5a);
    const pit = Buffer.from(t.controller.read(0, t.blocks));
    const list = encodeXcopyParams({ listId: 2, cscds: [t.cscd(LUN.PVOL), t.cscd(LUN.SVOL), t.cscd(LUN.TAPE)], segments: [
      { type: 0xc0, src: 0, dst: 1, mode: 'staging', early: true, pair: 0 },
      { type: 0x00, src: 1, dst: 2, streamTransferLength: 16 * 512, blocks: t.blocks, lba: 0n },
    ] });
    const r = t.cmd(LUN.CMD_604, extendedCopyCdb(list.length), list);
    expect(r.at(-1)).toMatchObject({ status: 'GOOD' });
    expect(t.query().pvolState).toBe('split');
    const first = decodeCopyStatus(fromHex(t.cmd(LUN.CMD_604, receiveCopyResultsCdb(0, 2))[0]!.data));
    expect(first.state).toBe('in progress');
    t.write(0, 64, 0x77); // the client resumes
    let polls = 0;
    let st = first;
    while (st.state === 'in progress' && polls++ < 10000) {
      t.clock.advance(1);
      st = decodeCopyStatus(fromHex(t.cmd(LUN.CMD_604, receiveCopyResultsCdb(0, 2))[0]!.data));
    }
    expect(st).toMatchObject({ state: 'completed', segmentsProcessed: 2 });
    expect(Buffer.compare(Buffer.concat(readAwsTape(t.tape.bytes()).files.flat()), pit)).toBe(0);
  });
  it('an EXTENDED COPY of the S-VOL before any split is refused, nothing written', () => {
    const t = setup('wait');
    t.cmd(LUN.CMD_603, encodePairCdb('create'));
    const list = encodeXcopyParams({ listId: 3, cscds: [t.cscd(LUN.SVOL), t.cscd(LUN.TAPE)], segments: [
      { type: 0x00, src: 0, dst: 1, streamTransferLength: 8192, blocks: 16, lba: 0n }] });
    expect(t.cmd(LUN.CMD_604, extendedCopyCdb(list.length), list).at(-1)!.sense).toMatchObject({ key: 5, asc: 0x2c });
    expect(t.tape.bytesWritten).toBe(0);
  });
});
