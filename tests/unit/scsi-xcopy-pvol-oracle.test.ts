// The point-in-time guarantee while EXTENDED COPY 02h writes the P-VOL
// (docs/scsi.md#which-engine-runs-a-copy): such a copy's writes go through 501 like a
// host's, so copies before write and 514 stay exact, and a backup of the split S-VOL still
// equals the image of the split instant. Random client writes, random copies from the backup disk onto the
// P-VOL (running while the split happens), a quick split at a random instant, then the
// backup through 502/503 in every mode; the oracle gets the client's writes and each copy
// piece 501 acknowledged, with the bytes the test itself wrote to the backup disk.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyBackup, type AckedWrite } from '../../src/oracle/oracle.ts';
import type { Core } from '../../src/core/core-api.ts';
import { readAwsTape } from '../../src/devices/awstape.ts';
import { MemoryBlockDevice } from '../../src/devices/memory-device.ts';
import { fillBlock } from '../../src/core/prng.ts';
import type { Mode } from '../../src/scenario/schema.ts';
import { extendedCopyCdb } from '../../src/scsi/cdb.ts';
import { LUN } from '../../src/scsi/lu-layout.ts';
import { encodePairCdb } from '../../src/scsi/pair-cdb.ts';
import { createSimTarget } from '../../src/runtime/sim-target.ts';
import { encodeXcopyParams, type CscdInput } from '../../src/scsi/xcopy-encode.ts';
import { scsiScenario } from './scsi-fixture.ts';
import { coreForTests } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

const BLOCKS = 512;
const BB = 512;
/** The backup disk's content, written by the test before anything runs: generation 900. */
const SOURCE_GEN = 900;

const arb = fc.record({
  seed: fc.nat(),
  mode: fc.constantFrom<Mode>('E1', 'E2', 'E3'),
  pending: fc.double({ min: 0, max: 0.8, noNaN: true }),
  writes: fc.array(fc.record({ at: fc.double({ min: 0, max: 4, noNaN: true }), lba: fc.nat({ max: BLOCKS - 1 }), n: fc.integer({ min: 1, max: 16 }) }), { maxLength: 30 }),
  // Copies onto disjoint P-VOL ranges (each piece then names its copy), from anywhere on the disk.
  copies: fc.array(fc.record({ at: fc.double({ min: 0, max: 4, noNaN: true }), src: fc.nat({ max: BLOCKS - 64 }), n: fc.integer({ min: 1, max: 64 }) }), { minLength: 1, maxLength: 4 }), // 4: TOTAL CONCURRENT COPIES
  splitAt: fc.double({ min: 0, max: 4, noNaN: true }),
});

describe('EXTENDED COPY onto the P-VOL while the pair splits', () => {
  it('every backup of the S-VOL equals the split-instant image, copy pieces included', () => {
    fc.assert(fc.property(arb, (a) => {
      const base = scsiScenario({ blocks: BLOCKS, blockBytes: BB, mode: a.mode, cacheSlots: 64 });
      const scenario = { ...base, seed: a.seed, initial: { pair: 'duplex' as const, pending: a.pending, dirtyInCache: 0.3 } };
      const pieces: AckedWrite[] = [];
      const backupDisk = new MemoryBlockDevice({ name: 'backup-disk', blocks: BLOCKS, blockBytes: BB });
      for (let b = 0; b < BLOCKS; b++) fillBlock(backupDisk.data.subarray(b * BB, (b + 1) * BB), a.seed, SOURCE_GEN, b);
      const memory = { pvol: new MemoryBlockDevice({ name: 'pvol-601', blocks: BLOCKS, blockBytes: BB }),
        svol: new MemoryBlockDevice({ name: 'svol-602', blocks: BLOCKS, blockBytes: BB }), backupDisk };
      const dests = a.copies.map((c, i) => ({ ...c, dst: i * Math.floor(BLOCKS / a.copies.length), n: Math.min(c.n, Math.floor(BLOCKS / a.copies.length)) }));
      const owner = (lba: number) => dests.find((d) => lba >= d.dst && lba < d.dst + d.n)!;
      const st = createSimTarget(scenario, {
        core, volumes: memory, maxSteps: 5_000_000,
        onPvolWrite: (w) => {
          // The bytes the copy must have written, from the test's own model of the disk.
          const d = owner(w.lba);
          const data = new Uint8Array(w.blocks * BB);
          for (let i = 0; i < w.blocks; i++) fillBlock(data.subarray(i * BB, (i + 1) * BB), a.seed, SOURCE_GEN, w.lba - d.dst + d.src + i);
          expect(Buffer.compare(w.data, data)).toBe(0);
          pieces.push({ id: 10_000 + pieces.length, lba: w.lba, blocks: w.blocks, ack: w.ack, data });
        },
      });
      const { target, host } = st;
      const clock = host.clock;
      const ctl = host.sim.controller;
      const cscd = (lun: number): CscdInput => ({ peripheralType: 0, designator: target.lu(lun)!.id.naa, blockLength: BB });
      const client: AckedWrite[] = [];
      a.writes.forEach((w, id) => clock.after(w.at, () => {
        const n = Math.min(w.n, BLOCKS - w.lba);
        const data = new Uint8Array(n * BB);
        for (let i = 0; i < n; i++) fillBlock(data.subarray(i * BB, (i + 1) * BB), a.seed, id + 1, w.lba + i);
        const rec: AckedWrite = { id, lba: w.lba, blocks: n, ack: -1 };
        client.push(rec);
        ctl.submitWrite(w.lba, data, (t) => { rec.ack = t; });
      }));
      const copies = dests.map((d, i) => {
        const done = { ok: false };
        clock.after(d.at, () => {
          const list = encodeXcopyParams({ listId: i + 1, listIdUsage: 'discard', cscds: [cscd(LUN.BACKUP_DISK), cscd(LUN.PVOL)],
            segments: [{ type: 0x02, src: 0, dst: 1, blocks: d.n, srcLba: BigInt(d.src), dstLba: BigInt(d.dst) }] });
          target.submit(LUN.PVOL, extendedCopyCdb(list.length), list).onDone((r) => { expect(r.status).toBe('GOOD'); done.ok = true; });
        });
        return done;
      });
      let splitAck = -1;
      clock.after(a.splitAt, () => {
        target.submit(LUN.CMD_603, encodePairCdb('split')).onDone((r) => { expect(r.status, String(ctl.checkPair('split')) + JSON.stringify(ctl.status())).toBe('GOOD'); splitAck = clock.now(); });
      });
      clock.runUntilTrue(() => splitAck >= 0 && copies.every((c) => c.ok) && client.every((w) => w.ack >= 0), 'the copies, the writes and the split');
      const list = encodeXcopyParams({ listId: 99, cscds: [cscd(LUN.SVOL), { peripheralType: 1, designator: target.lu(LUN.TAPE)!.id.naa, blockLength: 0 }],
        segments: [{ type: 0x00, src: 0, dst: 1, streamTransferLength: 16 * BB, blocks: BLOCKS, lba: 0n }] });
      const backup = target.submit(LUN.CMD_604, extendedCopyCdb(list.length), list);
      clock.runUntilTrue(() => backup.result !== undefined, 'the backup');
      expect(backup.result!.status).toBe('GOOD');
      expect(ctl.lastBackup?.status).toBe('done'); // through 502/503
      const v = verifyBackup({
        core, scratch: ctl.ctx.m.L.verify, seed: a.seed, blocks: BLOCKS, blockBytes: BB,
        writes: [...client, ...pieces], splitAckAt: splitAck, ranges: [{ lba: 0, blocks: BLOCKS }],
        tapeFile: readAwsTape(host.sim.tape.bytes()).files[0] ?? [],
      });
      expect(v.reason ?? 'verified').toBe('verified');
      // The copies wrote what they should have: every block a piece wrote is in the P-VOL
      // unless a later write covers it (checked by the oracle above for the split image).
      expect(pieces.reduce((n, p) => n + p.blocks, 0)).toBe(dests.reduce((n, d) => n + d.n, 0));
    }), { numRuns: 40 });
  });
});
