// `npx splitstream scsi` as a backup server would drive it (docs/scsi.md#the-wire): JSON
// lines on stdin against the controller in the sim runtime, the tape image written with
// --tape-out, and that image checked against the point-in-time oracle built here from the
// scenario's seed and the writes this test sent (never from the array).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScsiArgs } from '../../src/cli.ts';
import { readAwsTape } from '../../src/devices/awstape.ts';
import { fillBlock } from '../../src/core/prng.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario/schema.ts';
import { fromHex, toHex } from '../../src/scsi/bytes.ts';
import { extendedCopyCdb, inquiryCdb, receiveCopyResultsCdb, rwCdb } from '../../src/scsi/cdb.ts';
import { naa6 } from '../../src/scsi/inquiry.ts';
import { DEFAULT_ARRAY_SERIAL, LUN } from '../../src/scsi/lu-layout.ts';
import { decodePairQuery, encodePairCdb } from '../../src/scsi/pair-cdb.ts';
import { decodeCopyStatus } from '../../src/scsi/receive-copy-results.ts';
import { encodeXcopyParams } from '../../src/scsi/xcopy-encode.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'splitstream-scsi-'));
const npx = (args: string[], input = '') => spawnSync('npx', ['splitstream', ...args], { cwd: root, input, encoding: 'utf8' });

const BLOCKS = 1024, BB = 512, SEED = 9;
const line = (o: object) => JSON.stringify(o);
const cdbLine = (lun: number, cdb: Uint8Array, data?: Uint8Array, tag?: number) =>
  line({ lun, cdb: toHex(cdb), ...(data ? { data: toHex(data) } : {}), ...(tag !== undefined ? { tag } : {}) });

describe('splitstream scsi', () => {
  it('splits, backs the S-VOL up to tape by EXTENDED COPY while RECEIVE COPY RESULTS polls; the tape is the split-instant image', () => {
    const scenario = join(tmp, 'e3.json');
    // Duplex at t = 0 with half the blocks not yet on the S-VOL, embodiment 3 (staging merge).
    writeFileSync(scenario, JSON.stringify({ ...DEFAULT_SCENARIO, mode: 'E3', seed: SEED,
      geometry: { blocks: BLOCKS, blockBytes: BB, cacheSlots: 64 }, initial: { pair: 'duplex', pending: 0.5, dirtyInCache: 0.5 } }));
    const tape = join(tmp, 'backup.aws');
    const cscd = (lun: number, pt: 0 | 1) => ({ peripheralType: pt, designator: naa6(DEFAULT_ARRAY_SERIAL, lun), blockLength: pt ? 0 : BB });
    const list = encodeXcopyParams({ listId: 1, cscds: [cscd(LUN.SVOL, 0), cscd(LUN.TAPE, 1)],
      segments: [{ type: 0x00, src: 0, dst: 1, streamTransferLength: 16 * BB, blocks: BLOCKS, lba: 0n }] });
    const input = [
      cdbLine(LUN.TAPE, inquiryCdb(false, 0, 36)),
      line({ step: { op: 'write', lba: 10, blocks: 8, byte: 0xaa } }),
      cdbLine(LUN.PVOL, rwCdb('WRITE', 100, 4), new Uint8Array(4 * BB).fill(0xbb)),
      cdbLine(LUN.CMD_603, encodePairCdb('split')),
      cdbLine(LUN.CMD_603, encodePairCdb('query')),
      cdbLine(LUN.CMD_604, extendedCopyCdb(list.length), list, 7),
      cdbLine(LUN.CMD_604, receiveCopyResultsCdb(0, 1)),
      cdbLine(LUN.PVOL, rwCdb('WRITE', 12, 4), new Uint8Array(4 * BB).fill(0xcc)), // after the split
      line({ advance: 100000 }),
      cdbLine(LUN.CMD_604, receiveCopyResultsCdb(0, 1)),
      line({ step: { op: 'status' } }),
    ].join('\n');
    const p = npx(['scsi', '--scenario', scenario, '--tape-out', tape], input);
    expect(p.status, p.stderr).toBe(0);
    const out = p.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const tagged = out.filter((o) => o.tag === 7);
    expect(tagged).toEqual([{ tag: 7, queued: true }, expect.objectContaining({ tag: 7, status: 'GOOD' })]);
    const [inq, w1, w2, split, query, rcr1, w3, adv, rcr2, status] = out.filter((o) => o.tag === undefined);
    expect(fromHex(inq!.data)[0]! & 0x1f).toBe(1); // the tape: sequential access
    expect(w1).toMatchObject({ step: { op: 'write', lba: 10 } });
    for (const r of [w2, split, query, rcr1, w3, rcr2]) expect(r).toMatchObject({ status: 'GOOD' });
    const q = decodePairQuery(fromHex(query!.data));
    expect(q).toMatchObject({ pvolState: 'split', svolState: 'split-pending' }); // a quick split
    expect(q.pendingBlocks).toBeGreaterThan(BLOCKS / 4);
    expect(decodeCopyStatus(fromHex(rcr1!.data)).state).toBe('in progress');
    expect(adv!.now).toBeGreaterThan(100000);
    expect(decodeCopyStatus(fromHex(rcr2!.data))).toMatchObject({ state: 'completed', segmentsProcessed: 1, bytes: BLOCKS * BB });
    expect(status!.step).toMatchObject({ p516: 'split', s517: 'split', backup: { status: 'done' } });

    // The oracle: generation 0 of every block (the seed), then the two writes before the split.
    const pit = new Uint8Array(BLOCKS * BB);
    for (let b = 0; b < BLOCKS; b++) fillBlock(pit.subarray(b * BB, (b + 1) * BB), SEED, 0, b);
    pit.fill(0xaa, 10 * BB, 18 * BB);
    pit.fill(0xbb, 100 * BB, 104 * BB);
    const image = new Uint8Array(readFileSync(tape));
    const { files } = readAwsTape(image);
    expect(files).toHaveLength(1);
    expect(files[0]!.every((r) => r.length === 16 * BB)).toBe(true);
    expect(Buffer.compare(Buffer.concat(files[0]!), pit)).toBe(0);

    // The tape command reads the same image back.
    const t = npx(['tape', tape, '--json']);
    expect(t.status, t.stderr).toBe(0);
    expect(JSON.parse(t.stdout).files[0]).toMatchObject({
      blocks: 64, bytes: BLOCKS * BB, blockSizes: [[16 * BB, 64]], sha256: createHash('sha256').update(pit).digest('hex'),
    });
  }, 120_000);

  it('parses its flags strictly', () => {
    expect(parseScsiArgs(['--scenario', 'a.json', '--tape-out', 't.aws'])).toEqual({ scenarioPath: 'a.json', tapeOut: 't.aws' });
    expect(() => parseScsiArgs(['--tape-out'])).toThrow('--tape-out needs a file');
    expect(() => parseScsiArgs(['x'])).toThrow('unexpected argument x');
  });
});
