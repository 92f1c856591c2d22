// The controller's public API (what the SCSI target drives): pair commands and their
// refusals, formation copy, resync copying only what changed, suspension on a device error,
// a failing backup naming its segment, and a disk as the backup device (§0048).
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackupParams } from '../../src/array/backup.ts';
import { imageGenerations } from '../../src/oracle/oracle.ts';
import type { Core } from '../../src/core/core-api.ts';
import { MemoryBlockDevice } from '../../src/devices/memory-device.ts';
import { createSim, type Sim } from '../../src/runtime/sim.ts';
import { fillBlock } from '../../src/core/prng.ts';
import { coreForTests, small } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

const BLOCKS = 256, BB = 512;

function ext(pair: 'simplex' | 'duplex', pending = 0, backupDisk?: MemoryBlockDevice): Sim {
  return createSim(small({ initial: { pair, pending, dirtyInCache: 0.5 }, workload: { rate: 0 } }), { core, external: true, backupDisk });
}

/** Runs a pair command to its answer; returns the refusal reason or null. */
function pair(sim: Sim, op: 'create' | 'split' | 'resync' | 'delete', sync = false): string | null {
  let out: string | null | undefined;
  sim.controller.submitPair(op, { sync, onDone: (r) => { out = r.ok ? null : r.reason; } });
  while (out === undefined && sim.step());
  return out === undefined ? 'no answer' : out;
}

function settle(sim: Sim): void { while (sim.step()); }

/** First differing byte offset, or -1 (toEqual on large typed arrays is slow). */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.byteLength !== b.byteLength) return Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/**
 * Most S-VOL reads a backup of 32 units may take while it runs: E3 one per span of eight
 * units (four; a background copy step begun before it may read once more), E1 a priority
 * copy's too. One read per unit would be 32.
 */
const METHOD_READS = { staging: 6, priority: 12 };

const tape = (lba: number, blocks: number): BackupParams['segments'][number] => ({ lba, blocks, dest: { kind: 'tape' } });

describe('pair commands', () => {
  it('refuses invalid transitions with a reason and changes nothing', () => {
    const sim = ext('simplex');
    const ctl = sim.controller;
    expect(pair(sim, 'split')).toBe('split refused: no pair (state simplex)');
    expect(pair(sim, 'resync')).toMatch(/resync refused: no pair/);
    expect(pair(sim, 'delete')).toMatch(/delete refused: no pair/);
    expect(ctl.status().p516).toBe('simplex');
    expect(pair(sim, 'create')).toBeNull();
    expect(ctl.status()).toMatchObject({ p516: 'duplex-pending', s517: 'duplex-pending', pending: BLOCKS });
    expect(pair(sim, 'create')).toMatch(/create refused: a pair already exists/);
    expect(pair(sim, 'resync')).toMatch(/not split/);
    expect(pair(sim, 'split')).toBeNull();
    expect(ctl.status().p516).toBe('split');
    expect(ctl.status().s517).toBe('split-pending');
    expect(pair(sim, 'split')).toBe('split refused: the pair is already split');
    expect(ctl.checkPair('split')).toBe('split refused: the pair is already split');
  });

  it('formation copy makes the S-VOL a mirror of what the client sees, then duplex', () => {
    const sim = ext('simplex');
    pair(sim, 'create');
    settle(sim);
    expect(sim.controller.status()).toMatchObject({ p516: 'duplex', s517: 'duplex', pending: 0 });
    expect(firstDiff(sim.svol.data, sim.controller.read(0, BLOCKS))).toBe(-1);
    expect(sim.events.some((e) => e.ev === 'pair.duplex')).toBe(true);
  });

  it('resync copies only the blocks written since the split', () => {
    const sim = ext('duplex', 0);
    const ctl = sim.controller;
    expect(pair(sim, 'split')).toBeNull();
    const changed = [3, 4, 5, 100, 200];
    for (const b of changed) ctl.submitWrite(b, new Uint8Array(BB).fill(b & 0xff));
    settle(sim);
    expect(ctl.status().post).toBe(changed.length);
    const before = ctl.counters().backgroundCopies;
    expect(pair(sim, 'resync')).toBeNull();
    settle(sim);
    expect(ctl.counters().backgroundCopies - before).toBe(changed.length);
    expect(ctl.status()).toMatchObject({ p516: 'duplex', s517: 'duplex', pending: 0, post: 0 });
    expect(firstDiff(sim.svol.data, ctl.read(0, BLOCKS))).toBe(-1);
  });

  it('a resync or delete is refused while a backup reads the S-VOL', () => {
    const sim = ext('duplex', 0.5);
    pair(sim, 'split');
    const h = sim.controller.startBackup({ method: 'wait', segments: [tape(0, BLOCKS)], transferBlocks: 8 });
    while (h.state !== 'holding' && sim.step());
    expect(h.state).toBe('holding');
    expect(pair(sim, 'resync')).toBe('resync refused: a backup is reading the S-VOL');
    expect(pair(sim, 'delete')).toBe('delete refused: a backup is reading the S-VOL');
    settle(sim);
    expect(h.status).toBe('done');
    expect(pair(sim, 'delete')).toBeNull();
    expect(sim.controller.status()).toMatchObject({ p516: 'simplex', pending: 0, post: 0 });
  });

  it('an S-VOL write failure suspends the pair; a backup is then refused', () => {
    const sim = ext('duplex', 0.5);
    const first = sim.controller.ctx.diff.nextPending(0, BLOCKS);
    sim.svol.failAt = { op: 'write', lba: first };
    pair(sim, 'split');
    settle(sim);
    expect(sim.controller.status().p516).toBe('suspended');
    expect(sim.events.some((e) => e.ev === 'pair.suspended')).toBe(true);
    const h = sim.controller.startBackup({ method: 'priority', segments: [tape(0, BLOCKS)], transferBlocks: 8 });
    settle(sim);
    expect(h.status).toBe('refused');
    expect(h.reason).toMatch(/suspended/);
    sim.svol.failAt = undefined;
    expect(pair(sim, 'resync')).toBeNull();
    settle(sim);
    expect(sim.controller.status().p516).toBe('duplex');
    expect(firstDiff(sim.svol.data, sim.controller.read(0, BLOCKS))).toBe(-1);
  });
});

describe('backups through 502', () => {
  it('refuses before any data moves: not split, range outside the S-VOL, no disk target', () => {
    const sim = ext('duplex', 0);
    const ctl = sim.controller;
    expect(ctl.checkBackup({ method: 'priority', segments: [tape(0, 8)], transferBlocks: 8 })).toMatch(/not split/);
    pair(sim, 'split');
    expect(ctl.checkBackup({ method: 'priority', segments: [tape(250, 8)], transferBlocks: 8 })).toMatch(/segment 0: LBA range 250\+8 is outside/);
    expect(ctl.checkBackup({ method: 'priority', segments: [{ lba: 0, blocks: 8, dest: { kind: 'disk', lba: 0 } }], transferBlocks: 8 })).toMatch(/no disk backup target/);
    expect(ctl.checkBackup({ method: 'priority', segments: [tape(0, 8)], transferBlocks: 0 })).toMatch(/transferBlocks/);
    expect(ctl.checkBackup({ method: 'priority', segments: [tape(0, 8), tape(8, 0)], transferBlocks: 8 })).toBeNull();
  });

  it('a read failure mid-copy fails the backup and names the failing segment', () => {
    const sim = ext('duplex', 0.2);
    pair(sim, 'split');
    // The differential first (its span copies read the S-VOL too): the failure is the backup's.
    settle(sim);
    sim.svol.failAt = { op: 'read', lba: 150 };
    const h = sim.controller.startBackup({ method: 'wait', segments: [tape(0, 100), tape(100, 100)], transferBlocks: 10 });
    settle(sim);
    expect(h.status).toBe('failed');
    expect(h.failedSegment).toBe(1);
    expect(h.segmentsDone).toBe(1);
    expect(h.blocksDone).toBe(150);
    expect(h.bytesDone).toBe(150 * BB);
  });

  it('stages a span of units with one S-VOL read, not one per unit (E3 and E1)', () => {
    for (const method of ['staging', 'priority'] as const) {
      const sim = ext('duplex', 0.5);
      expect(pair(sim, 'split')).toBeNull();
      const reads: number[] = [];
      const read = sim.svol.read.bind(sim.svol);
      let running = () => false;
      sim.svol.read = (lba, n, into) => { if (running()) reads.push(n); read(lba, n, into); };
      const h = sim.controller.startBackup({ method, segments: [tape(0, BLOCKS)], transferBlocks: 8 });
      running = () => h.state === 'running';
      settle(sim);
      expect(h.status).toBe('done');
      expect(h.blocksDone).toBe(BLOCKS);
      // 32 units of 8 blocks, eight staging buffers: about a read per eight units.
      expect(reads.length, method).toBeLessThanOrEqual(METHOD_READS[method]);
      expect(Math.max(...reads), method).toBeGreaterThan(8);
    }
  });

  it('backs up to a disk at an LBA (segment 02h, §0048) with the split-instant image', () => {
    const disk = new MemoryBlockDevice({ name: 'backup-disk', blocks: 300, blockBytes: BB });
    const sim = ext('duplex', 0.4, disk);
    const ctl = sim.controller;
    let splitAck = -1;
    ctl.submitPair('split', { onDone: (_, t) => { splitAck = t; } });
    // Post-split writes to the range, which must not reach the backup.
    const writes = [10, 11, 12, 60].map((lba, id) => {
      const data = new Uint8Array(BB);
      fillBlock(data, sim.scenario.seed, id + 1, lba);
      const rec = { id, lba, blocks: 1, ack: -1 };
      ctl.submitWrite(lba, data, (t) => { rec.ack = t; });
      return rec;
    });
    const h = ctl.startBackup({ method: 'staging', segments: [{ lba: 0, blocks: 64, dest: { kind: 'disk', lba: 200 } }], transferBlocks: 16 });
    settle(sim);
    expect(h.status).toBe('done');
    expect(writes.every((w) => w.ack > splitAck)).toBe(true);
    const gen = imageGenerations(BLOCKS, writes, splitAck);
    const want = new Uint8Array(BB);
    for (let b = 0; b < 64; b++) {
      fillBlock(want, sim.scenario.seed, gen[b], b);
      expect(disk.data.subarray((200 + b) * BB, (201 + b) * BB)).toEqual(want);
    }
    expect(sim.tape.blocksWritten).toBe(0);
  });

  it('asks 508 for the copies before write of all queued writes in one batch', () => {
    const sim = ext('duplex', 1);
    const ctl = sim.controller;
    expect(pair(sim, 'split')).toBeNull();
    // Eight post-split writes to blocks whose split-instant data is still only on the P-VOL.
    const acks: number[] = [];
    for (const lba of [3, 40, 41, 90, 120, 121, 200, 250]) {
      const data = new Uint8Array(BB);
      fillBlock(data, sim.scenario.seed, lba + 1, lba);
      ctl.submitWrite(lba, data, (t) => { acks.push(t); });
    }
    const from = sim.events.length;
    settle(sim);
    const ev = sim.events.slice(from).map((e) => e.ev);
    const reqs = ev.flatMap((e, i) => (e === 'cow.req' ? [i] : []));
    // (508's background copy may have reached a few of the blocks first.)
    expect(reqs.length).toBeGreaterThan(3);
    // One round trip: every request is made before 508 answers the first.
    expect(Math.max(...reqs)).toBeLessThan(ev.indexOf('cow.done'));
    expect(acks.length).toBe(8);
    expect(ctl.counters().cowCopies).toBeGreaterThan(0);
  });
});
