/**
 * The durability points of the live runtime's ports (src/runtime/live/port-adapters.ts), in
 * Node over the real controller: no write is acknowledged before its journal record has been
 * written to the file (the kill test in the browser can only catch an ack that runs ahead of
 * the journal by more than the time the ack takes to reach the test), and a backup's end is
 * not answered before the flush its tapemark asked for is done.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Controller } from '../../src/array/controller.ts';
import { AwsTapeWriter } from '../../src/devices/awstape.ts';
import { MemoryBlockDevice } from '../../src/devices/memory-device.ts';
import { loadCoreNode } from '../../src/core/load-node.ts';
import { createSharedMemory } from '../../src/core/memory.ts';
import { fillBlock } from '../../src/core/prng.ts';
import { createCostModel } from '../../src/runtime/cost-model.ts';
import { CacheJournal, RECORD_HEAD } from '../../src/runtime/live/cache-journal.ts';
import { ACK_CAP, ANSWER_CAP, ANSWER_WORDS, BACKUP_CAP, K, PAIR_OPS, PORT_CAP, PORT_WORDS, STATUS, planLive } from '../../src/runtime/live/live-layout.ts';
import { W } from '../../src/array/memory-507.ts';
import { PS } from '../../src/array/pair-state.ts';
import { MpmcRing } from '../../src/runtime/live/mpmc-ring.ts';
import { Port401, Port402 } from '../../src/runtime/live/port-adapters.ts';
import { Channel502 } from '../../src/array/channel-502.ts';
import { encodeBackup } from '../../src/runtime/live/xcopy-port.ts';
import { DEFAULT_COSTS } from '../../src/scenario/schema.ts';
import { MemHandle } from './mem-handle.ts';

const BLOCKS = 256, BB = 512, SLOTS = 32, MAXW = 4;

/** A journal file that notes the write ids of every record once its write() has returned. */
class WatchedFile extends MemHandle {
  readonly written = new Set<number>();
  write(view: Uint8Array, o: { at: number }): number {
    const n = super.write(view, o);
    for (let at = 0; at + RECORD_HEAD <= view.length;) {
      const dv = new DataView(view.buffer, view.byteOffset + at, RECORD_HEAD);
      if (dv.getUint32(4, true) !== 0x32525353) break; // not a record (the header)
      this.written.add(dv.getInt32(16, true));
      at += RECORD_HEAD + dv.getUint32(24, true) * BB;
    }
    return n;
  }
}

/** `now`: the controller's clock (run ms); the rig's stands still at 0 unless given one. */
async function rig(now: () => number = () => 0) {
  const lay = planLive(BLOCKS, BB, SLOTS, MAXW);
  const memory = createSharedMemory(lay.end);
  const core = await loadCoreNode(memory);
  const pvol = new MemoryBlockDevice({ name: 'pvol-601', blocks: BLOCKS, blockBytes: BB });
  const svol = new MemoryBlockDevice({ name: 'svol-602', blocks: BLOCKS, blockBytes: BB });
  const ctl = new Controller({
    core, blocks: BLOCKS, blockBytes: BB, cacheSlots: SLOTS, cost: createCostModel(DEFAULT_COSTS),
    pvol, svol, tape: new AwsTapeWriter({ sink: () => {} }), now, log: () => {},
  });
  ctl.seedDuplex([]);
  const buf = memory.buffer;
  MpmcRing.init(buf, lay.port401, PORT_CAP, PORT_WORDS);
  MpmcRing.init(buf, lay.ack401, ACK_CAP, PORT_WORDS);
  MpmcRing.init(buf, lay.port402, BACKUP_CAP, PORT_WORDS);
  MpmcRing.init(buf, lay.ans402, ANSWER_CAP, ANSWER_WORDS);
  return { lay, memory, core, ctl, port401: MpmcRing.attach(buf, lay.port401), ack401: MpmcRing.attach(buf, lay.ack401), buf };
}

/** Splits the pair and puts an E3 backup of `blocks` blocks, command `id`, in port 402; returns the answers' ring. */
function sendBackup(ctl: Controller, lay: ReturnType<typeof planLive>, buf: ArrayBufferLike, id: number, blocks: number): MpmcRing {
  ctl.submitPair('split');
  const bytes = encodeBackup({ method: 'staging', segments: [{ lba: 0, blocks, dest: { kind: 'tape' } }], transferBlocks: 8 }, BB, 1);
  new Uint8Array(buf).set(bytes, lay.xcopyArea);
  MpmcRing.attach(buf, lay.port402).tryPush([K.BACKUP, id, lay.xcopyArea, bytes.length, 2, 0]);
  return MpmcRing.attach(buf, lay.ans402);
}

describe('live ports: the durability points', () => {
  it('501 acknowledges no write whose journal record is not yet written', async () => {
    const { lay, core, ctl, port401, ack401, buf } = await rig();
    const file = new WatchedFile();
    const staging = new Uint8Array(buf, lay.journalArea, lay.journalBytes);
    const journal = new CacheJournal(file, { blocks: BLOCKS, blockBytes: BB, cacheSlots: SLOTS, maxWriteBlocks: MAXW, minSegmentBytes: 0 },
      { buf: staging, crc: (at, len) => core.checksum(lay.journalArea + at, len) >>> 0 },
      { dirty: (b) => ctl.ctx.cache.isDirty(b), flushes: { request: () => 0, wait: () => {} }, flushEach: false });
    const p401 = new Port401(ctl.p501, ctl.ctx, lay, journal, () => {});
    const steps = [ctl.p501, ctl.p508];
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ lba: fc.nat(BLOCKS - MAXW), n: fc.integer({ min: 1, max: MAXW }), steps: fc.nat(6) }), { minLength: 1, maxLength: 200 }),
      async (ws) => {
        let id = 1;
        const rec = new Int32Array(PORT_WORDS);
        const acked: number[] = [];
        const take = () => { while (ack401.tryPop(rec)) if (rec[0] === K.WRITE) acked.push(rec[1]); };
        for (const w of ws) {
          const slot = id % lay.writeSlots, data = new Uint8Array(buf, lay.writeArea + slot * lay.slotBytes, w.n * BB);
          for (let i = 0; i < w.n; i++) fillBlock(data.subarray(i * BB, (i + 1) * BB), 1, id, w.lba + i);
          port401.tryPush([K.WRITE, id++, w.lba, w.n, slot, 0]);
          p401.pull();
          for (let s = 0; s < w.steps; s++) for (const p of steps) { const x = p.next(); if (x) { x.run(); p401.publish(); } }
          take();
          for (const a of acked) expect([a, file.written.has(a)]).toEqual([a, true]);
        }
      }), { numRuns: 30 });
  });

  it("a backup's end is answered once its tapemark's flush ticket is done, not before", async () => {
    const { lay, ctl, buf } = await rig();
    let done = 0;
    const p402 = new Port402(ctl.p502, ctl.ctx, lay, () => {}, (t) => t <= done, () => 7);
    const ans = sendBackup(ctl, lay, buf, 1, 16);
    p402.pull();
    const answers: number[] = [];
    const rec = new Int32Array(ANSWER_WORDS);
    for (let i = 0; i < 200; i++) {
      for (const p of [ctl.p501, p402, ctl.p503, ctl.p508]) { const x = p.next(); if (x) x.run(); }
      p402.publish();
      while (ans.tryPop(rec)) answers.push(rec[0]);
    }
    // Accepted at once; the end is held while ticket 7 is not done.
    expect(answers).toEqual([K.ANSWER]);
    expect(p402.holding()).toBe(true);
    done = 7;
    expect(p402.publish()).toBe(1);
    while (ans.tryPop(rec)) answers.push(rec[0]);
    expect(answers).toEqual([K.ANSWER, K.END]);
  });

  it("a restarted 502 reports the backup its lost worker accepted, under the command's id", async () => {
    const { lay, ctl, buf } = await rig();
    const lost = new Port402(ctl.p502, ctl.ctx, lay, () => {});
    const ans = sendBackup(ctl, lay, buf, 41, 64);
    lost.pull();
    // Drained, not yet accepted: the worker holds the command, it may not be halted.
    expect(lost.quiet()).toBe(false);
    const rec = new Int32Array(ANSWER_WORDS);
    const answers: number[][] = [];
    const step = (p402: Port402) => {
      for (const p of [ctl.p501, p402]) { const x = p.next(); if (x) x.run(); }
      p402.publish();
      while (ans.tryPop(rec)) answers.push([rec[0], rec[1], rec[2]]);
    };
    while (!answers.length) step(lost);
    // Accepted and answered: nothing of the job is the worker's alone any more.
    expect(answers).toEqual([[K.ANSWER, 41, STATUS.indexOf('accepted')]]);
    expect(lost.quiet()).toBe(true);
    // The worker is lost; a fresh 502 over the same 507 and rings carries the job on.
    const fresh = new Port402(new Channel502(ctl.ctx), ctl.ctx, lay, () => {});
    fresh.carryOn();
    for (let i = 0; i < 400 && answers.length < 2; i++) {
      for (const p of [ctl.p503, ctl.p508]) { const x = p.next(); if (x) x.run(); }
      step(fresh);
    }
    expect(answers).toEqual([[K.ANSWER, 41, STATUS.indexOf('accepted')], [K.END, 41, STATUS.indexOf('done')]]);
    // Nothing to carry on once it is reported.
    const again = new Port402(new Channel502(ctl.ctx), ctl.ctx, lay, () => {});
    again.carryOn();
    expect(again.next()).toBeNull();
  });

  it("501's answers are stamped in the order it gave them, each later than the last, though its clock stands still", async () => {
    // The rig's clock reads 0 throughout, as two steps in one tick of a browser's coarsened
    // clock do: a write acknowledged before the split must still be stamped before it (the
    // oracle's split image is the writes acknowledged before the split's time).
    const { lay, ctl, port401, ack401, buf } = await rig();
    const p401 = new Port401(ctl.p501, ctl.ctx, lay, null, () => {});
    await fc.assert(fc.asyncProperty(fc.array(fc.boolean(), { minLength: 2, maxLength: 40 }), async (ops) => {
      let id = 1;
      for (const split of ops) {
        if (split) port401.tryPush([K.PAIR, id++, PAIR_OPS.indexOf(ctl.ctx.m.w(W.P_STATE) === PS.SPLIT ? 'resync' : 'split'), 0, -1, 0]);
        else port401.tryPush([K.WRITE, id++, 0, 1, id % lay.writeSlots, 0]);
      }
      const rec = new Int32Array(PORT_WORDS);
      const got: number[][] = [];
      for (let i = 0; i < 4000 && got.length < ops.length; i++) {
        p401.pull();
        for (const p of [ctl.p501, ctl.p508]) { const x = p.next(); if (x) { x.run(); p401.publish(); } }
        while (ack401.tryPop(rec)) got.push([rec[0], rec[1], rec[3]]);
      }
      expect(got.length).toBe(ops.length);
      // In port order (501 answers its commands in order here), and strictly later each time.
      expect(got.map((g) => g[1])).toEqual(got.map((g) => g[1]).sort((a, b) => a - b));
      for (let i = 1; i < got.length; i++) expect(got[i][2]).toBeGreaterThan(got[i - 1][2]);
    }), { numRuns: 40 });
  });

  it("a write's answer carries when its drain began and when its journal record was written, both before its ack", async () => {
    // A clock that moves: each write call of the journal takes 40 µs of it, and time passes
    // between the client's writes and between 501's steps (src/runtime/ack-stages.ts).
    let clock = 0;
    const { lay, core, ctl, port401, ack401, buf } = await rig(() => clock);
    class SlowFile extends MemHandle {
      write(view: Uint8Array, o: { at: number }): number { clock += 0.04; return super.write(view, o); }
    }
    const staging = new Uint8Array(buf, lay.journalArea, lay.journalBytes);
    const journal = new CacheJournal(new SlowFile(), { blocks: BLOCKS, blockBytes: BB, cacheSlots: SLOTS, maxWriteBlocks: MAXW, minSegmentBytes: 0 },
      { buf: staging, crc: (at, len) => core.checksum(lay.journalArea + at, len) >>> 0 },
      { dirty: (b) => ctl.ctx.cache.isDirty(b), flushes: { request: () => 0, wait: () => {} }, flushEach: false });
    const p401 = new Port401(ctl.p501, ctl.ctx, lay, journal, () => {});
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ lba: fc.nat(BLOCKS - MAXW), n: fc.integer({ min: 1, max: MAXW }), gapUs: fc.nat(300), batch: fc.boolean() }), { minLength: 1, maxLength: 60 }),
      async (ws) => {
        const sentUs = new Map<number, number>();
        const rec = new Int32Array(PORT_WORDS);
        const got: number[][] = [];
        const settle = () => {
          p401.pull();
          for (let s = 0; s < 8; s++) for (const p of [ctl.p501, ctl.p508]) { const x = p.next(); if (x) { clock += 0.005; x.run(); p401.publish(); } }
          while (ack401.tryPop(rec)) if (rec[0] === K.WRITE) got.push([rec[1], rec[3], rec[4], rec[5]]);
        };
        let id = 1;
        for (const w of ws) {
          const slot = id % lay.writeSlots;
          sentUs.set(id, Math.round(clock * 1000));
          port401.tryPush([K.WRITE, id++, w.lba, w.n, slot, 0]);
          clock += w.gapUs / 1000;
          // Some writes wait in the port for the next drain, which journals them together.
          if (!w.batch) settle();
        }
        for (let i = 0; i < 20 && got.length < ws.length; i++) settle();
        expect(got.length).toBe(ws.length);
        for (const [wid, ack, drained, journaled] of got) {
          expect(drained).toBeGreaterThanOrEqual(sentUs.get(wid)!);
          // The journal's write call (40 µs) lies between the two stamps.
          expect(journaled - drained).toBeGreaterThanOrEqual(40);
          expect(ack).toBeGreaterThanOrEqual(journaled);
        }
      }), { numRuns: 30 });
  });
});
