// The patent's flow over iSCSI, by two initiators in TypeScript (src/iscsi/initiator.ts):
// the client server writes the P-VOL and splits the pair with the vendor CDB on the
// command device 603; the backup server sends EXTENDED COPY (S-VOL → tape) to 604 and
// polls RECEIVE COPY RESULTS; the client keeps writing meanwhile. The tape file must hold
// exactly the split-instant image (the independent oracle, docs/architecture.md
// #testing), and Hercules' tapemap must read it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { verifyBackup, type AckedWrite } from '../../src/oracle/oracle.ts';
import { CORE_RESERVED_BYTES, createSharedMemory } from '../../src/core/memory.ts';
import { createRefCore } from '../../src/core/reference.ts';
import { readAwsTape } from '../../src/devices/awstape.ts';
import { IscsiInitiator } from '../../src/iscsi/initiator.ts';
import { fillBlock } from '../../src/core/prng.ts';
import { extendedCopyCdb, receiveCopyResultsCdb, rwCdb } from '../../src/scsi/cdb.ts';
import { LUN } from '../../src/scsi/lu-layout.ts';
import { decodePairQuery, encodePairCdb } from '../../src/scsi/pair-cdb.ts';
import { decodeCopyStatus } from '../../src/scsi/receive-copy-results.ts';
import { encodeXcopyParams, type CscdInput } from '../../src/scsi/xcopy-encode.ts';
import { ISCSI_DEFAULT_SCENARIO } from '../../src/iscsi/iscsi-host.ts';
import { run, startTarget } from './iscsi-helpers.ts';

type Target = Awaited<ReturnType<typeof startTarget>>;
const S = ISCSI_DEFAULT_SCENARIO;
const BB = S.geometry.blockBytes;
const BLOCKS = S.geometry.blocks;

describe('the controller on the wall clock', () => {
  it('the duplex pair\'s background copy drains 514 as time passes, with no command to drive it', async () => {
    const t = await startTarget();
    try {
      const ini = await IscsiInitiator.connect({ host: '127.0.0.1', port: t.port, targetName: t.targetName });
      const query = async () => decodePairQuery((await ini.command(LUN.CMD_603, encodePairCdb('query', 0, 8), { readLength: 8 })).data);
      const first = await query();
      expect(first.pvolState).toBe('duplex');
      // The scenario starts a quarter pending; 508 copies it in the background.
      expect(first.pendingBlocks).toBeGreaterThan(0);
      let q = first;
      // Poll until the pair is in sync: each answer only reads 514, which 508 empties by itself.
      while (q.pendingBlocks > 0) { await new Promise((r) => setTimeout(r, 5)); q = await query(); }
      expect(t.sim.host.sim.controller.counters().backgroundCopies).toBeGreaterThan(0);
      await ini.logout();
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});

describe('split and server-free backup over iSCSI (default scenario: duplex pair, E1)', () => {
  let t: Target;
  let client: IscsiInitiator;
  let backup: IscsiInitiator;
  beforeAll(async () => {
    t = await startTarget();
    const o = { host: '127.0.0.1', port: t.port, targetName: t.targetName };
    client = await IscsiInitiator.connect({ ...o, initiatorName: 'iqn.2024-06.invalid.splitstream:client-101' });
    backup = await IscsiInitiator.connect({ ...o, initiatorName: 'iqn.2024-06.invalid.splitstream:backup-102' });
  });
  afterAll(async () => { await client.logout(); await backup.logout(); await t.cleanup(); });

  it('the tape equals the split-instant image, writes and a copy onto the P-VOL included; tapemap reads it', async () => {
    let tick = 0; // order of acknowledgements as the client saw them
    const writes: AckedWrite[] = [];
    const write = async (lba: number, blocks: number) => {
      const id = writes.length;
      const data = new Uint8Array(blocks * BB);
      for (let i = 0; i < blocks; i++) fillBlock(data.subarray(i * BB, (i + 1) * BB), S.seed, id + 1, lba + i);
      const w: AckedWrite = { id, lba, blocks, ack: -1 };
      writes.push(w);
      const r = await client.command(LUN.PVOL, rwCdb('WRITE', lba, blocks, 16), { dataOut: data });
      expect(r.status).toBe('GOOD');
      w.ack = ++tick;
    };
    const cscd = (lun: number): CscdInput => {
      const lu = t.sim.target.lu(lun)!;
      return { peripheralType: lu.id.peripheralType as 0 | 1, designator: lu.id.naa, blockLength: lu.kind === 'disk' ? BB : 0 };
    };
    // Before the split: host writes (some larger than a burst, so R2T carries them) …
    for (const [lba, n] of [[0, 8], [100, 64], [5000, 300], [16000, 384]] as const) await write(lba, n);
    // … and an EXTENDED COPY 02h onto the P-VOL, sent to the P-VOL itself (libiscsi's Simple).
    const pattern = new Uint8Array(32 * BB).map((_, i) => (i * 13 + 7) & 0xff);
    expect((await client.command(LUN.BACKUP_DISK, rwCdb('WRITE', 64, 32, 16), { dataOut: pattern })).status).toBe('GOOD');
    const copy = encodeXcopyParams({ listId: 1, listIdUsage: 'discard', cscds: [cscd(LUN.BACKUP_DISK), cscd(LUN.PVOL)],
      segments: [{ type: 0x02, src: 0, dst: 1, blocks: 32, srcLba: 64n, dstLba: 120n }] });
    expect((await client.command(LUN.PVOL, extendedCopyCdb(copy.length), { dataOut: copy })).status).toBe('GOOD');
    writes.push({ id: writes.length, lba: 120, blocks: 32, ack: ++tick, data: pattern });
    // The quick split (§0016): GOOD at once, whatever 514 still holds.
    expect((await client.command(LUN.CMD_603, encodePairCdb('split'))).status).toBe('GOOD');
    const splitAt = ++tick;
    const q = await client.command(LUN.CMD_603, encodePairCdb('query', 0, 8), { readLength: 8 });
    expect(decodePairQuery(q.data).pvolState).toBe('split');
    // The backup server starts the copy; the client writes on (none of it may reach the tape).
    // Two segments: one may move at most 32 MiB (MAXIMUM SEGMENT LENGTH, RECEIVE COPY RESULTS 03h).
    const half = BLOCKS / 2;
    const list = encodeXcopyParams({ listId: 7, cscds: [cscd(LUN.SVOL), cscd(LUN.TAPE)], segments: [0, half].map((lba) =>
      ({ type: 0x00 as const, src: 0, dst: 1, streamTransferLength: 8 * BB, blocks: half, lba: BigInt(lba) })) });
    const xcopy = backup.command(LUN.CMD_604, extendedCopyCdb(list.length), { dataOut: list });
    const after = (async () => { for (let i = 0; i < 40; i++) await write((i * 397) % (BLOCKS - 16), 16); })();
    let polls = 0;
    let st = decodeCopyStatus(new Uint8Array(12));
    do {
      const r = await backup.command(LUN.CMD_604, receiveCopyResultsCdb(0, 7, 12), { readLength: 12 });
      if (r.status !== 'GOOD') break; // ended and released before the first poll: the answer says so
      st = decodeCopyStatus(r.data);
      polls++;
    } while (st.state === 'in progress');
    const done = await xcopy;
    await after;
    expect(done.status, done.sense ? Buffer.from(done.sense).toString('hex') : '').toBe('GOOD');
    expect(polls).toBeGreaterThan(0);
    expect(st).toMatchObject({ state: 'completed', segmentsProcessed: 2, bytes: BLOCKS * BB });
    // The tape file as Hercules reads it, and as the oracle judges it.
    const image = fs.readFileSync(t.files.tape);
    const map = await run('tapemap', [t.files.tape], 'hercules');
    expect(map.code, map.stderr).toBe(0);
    expect(map.stdout).toMatch(new RegExp(`File 1: Blocks=${BLOCKS / 8}, block size min=${8 * BB}, max=${8 * BB}`));
    const core = createRefCore(createSharedMemory(1 << 20));
    const v = verifyBackup({
      core, scratch: CORE_RESERVED_BYTES, seed: S.seed, blocks: BLOCKS, blockBytes: BB, writes, splitAckAt: splitAt,
      ranges: [{ lba: 0, blocks: BLOCKS }], tapeFile: readAwsTape(new Uint8Array(image)).files[0] ?? [],
    });
    expect(v.reason ?? 'verified').toBe('verified');
    // The P-VOL moved on: what the client wrote last is there, not on the tape.
    const now = await client.command(LUN.PVOL, rwCdb('READ', 0, 1, 16), { readLength: BB });
    const last = writes.filter((w) => w.lba === 0 && w.ack > splitAt).at(-1)!;
    const expected = new Uint8Array(BB);
    fillBlock(expected, S.seed, last.id + 1, 0);
    expect(Buffer.compare(now.data, expected)).toBe(0);
  }, 120_000);
});
