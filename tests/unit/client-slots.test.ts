/**
 * The client server 101 over ports with a bounded write area (src/runtime/sim-servers.ts
 * Client101, src/runtime/live/remote-controller.ts): while every slot is in flight the client
 * holds its writes as descriptors and issues them, in arrival order, as acks free slots; the
 * one buffer it fills for every write (writeBuffer) never lets a later write's data reach an
 * earlier write's slot. Checked against the bytes in the shared write area, over the real
 * RemoteController and port 401's ring.
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
import { ACK_CAP, ANSWER_CAP, ANSWER_WORDS, BACKUP_CAP, K, PORT_CAP, PORT_WORDS, planLive } from '../../src/runtime/live/live-layout.ts';
import { MpmcRing } from '../../src/runtime/live/mpmc-ring.ts';
import { RemoteController } from '../../src/runtime/live/remote-controller.ts';
import { Client101 } from '../../src/runtime/sim-servers.ts';
import { WorkloadGen } from '../../src/scenario/workload.ts';
import { DEFAULT_COSTS } from '../../src/scenario/schema.ts';

const BLOCKS = 512, BB = 512, SLOTS = 32, MAXW = 4;

async function rig() {
  const lay = planLive(BLOCKS, BB, SLOTS, MAXW);
  const memory = createSharedMemory(lay.end);
  const core = await loadCoreNode(memory);
  const dev = (name: string) => new MemoryBlockDevice({ name, blocks: BLOCKS, blockBytes: BB });
  const ctl = new Controller({
    core, blocks: BLOCKS, blockBytes: BB, cacheSlots: SLOTS, cost: createCostModel(DEFAULT_COSTS),
    pvol: dev('pvol-601'), svol: dev('svol-602'), tape: new AwsTapeWriter({ sink: () => {} }), now: () => 0, log: () => {},
  });
  const buf = memory.buffer;
  MpmcRing.init(buf, lay.port401, PORT_CAP, PORT_WORDS);
  MpmcRing.init(buf, lay.ack401, ACK_CAP, PORT_WORDS);
  MpmcRing.init(buf, lay.port402, BACKUP_CAP, PORT_WORDS);
  MpmcRing.init(buf, lay.ans402, ANSWER_CAP, ANSWER_WORDS);
  return { lay, buf, ctx: ctl.ctx, port401: MpmcRing.attach(buf, lay.port401), ack401: MpmcRing.attach(buf, lay.ack401) };
}

describe('client 101 over a bounded write area', () => {
  it('issues every write once, in arrival order, within the slots, each with its own data', async () => {
    const { lay, buf, ctx, port401, ack401 } = await rig();
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 1 << 30 }), fc.array(fc.nat(3 * PORT_CAP), { minLength: 8, maxLength: 40 }),
      async (seed, arrivals) => {
        // A fresh ring each run: whatever the last run left in flight is not this one's.
        for (const [at, cap, words] of [[lay.port401, PORT_CAP, PORT_WORDS], [lay.ack401, ACK_CAP, PORT_WORDS]] as const) MpmcRing.init(buf, at, cap, words);
        let now = 0;
        const remote = new RemoteController(ctx, lay, () => {});
        const gen = new WorkloadGen({ pattern: 'uniform', rate: 40_000, minBlocks: 1, maxBlocks: MAXW, hotFraction: 0.1, hotWeight: 0.9 }, BLOCKS, seed);
        const client = new Client101(gen, remote, seed, BB, () => now);
        const rec = new Int32Array(PORT_WORDS);
        const taken: number[] = [];
        let inFlight: number[][] = [];
        let sawFull = false;
        // Each round: the writes due by then arrive; the array takes what port 401 holds
        // (checking each slot's bytes), then acknowledges a random part of what it holds.
        for (const [round, k] of arrivals.entries()) {
          now += 1;
          for (let w = client.next(); w && w.cost <= 0; w = client.next()) w.run();
          while (port401.tryPop(rec)) {
            const [kind, id, lba, blocks, slot] = rec;
            expect(kind).toBe(K.WRITE);
            const want = new Uint8Array(blocks * BB);
            for (let i = 0; i < blocks; i++) fillBlock(want.subarray(i * BB, (i + 1) * BB), seed, id, lba + i);
            const got = new Uint8Array(buf, lay.writeArea + slot * lay.slotBytes, blocks * BB);
            if (Buffer.compare(got, want) !== 0) expect.fail(`write ${id}: its slot ${slot} holds other data`);
            taken.push(id);
            inFlight.push([id, slot]);
          }
          expect(inFlight.length).toBeLessThanOrEqual(lay.writeSlots);
          if (inFlight.length === lay.writeSlots) sawFull = true;
          // None in the first rounds: the slots fill up and the client holds writes.
          const acks = round < 8 ? [] : inFlight.slice(0, k % (inFlight.length + 1));
          inFlight = inFlight.slice(acks.length);
          for (const [id, slot] of acks) expect(ack401.tryPush([K.WRITE, id, slot, 0, 1, 0])).toBe(true);
          remote.poll();
        }
        expect(sawFull).toBe(true);
        // Ids go out as 1, 2, 3, … in arrival order (write id w is the client's write w − 1).
        expect(taken).toEqual(taken.map((_, i) => i + 1));
        expect(client.writes.slice(0, taken.length).map((w) => w.id + 1)).toEqual(taken);
        expect(client.outstanding).toBe(client.writes.length - client.ackOrder.length);
      }), { numRuns: 25 });
  });
});
