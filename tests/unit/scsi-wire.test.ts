// The JSON-lines wire end to end through runWire (docs/scsi.md#the-wire),
// answering from the controller in the sim runtime.
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWire } from '../../src/cli/wire.ts';
import { toHex } from '../../src/scsi/bytes.ts';
import { extendedCopyCdb, inquiryCdb, readCapacity16Cdb, receiveCopyResultsCdb } from '../../src/scsi/cdb.ts';
import { encodeXcopyParams } from '../../src/scsi/xcopy-encode.ts';
import { naa6 } from '../../src/scsi/inquiry.ts';
import { encodePairCdb } from '../../src/scsi/pair-cdb.ts';
import { DEFAULT_ARRAY_SERIAL, LUN } from '../../src/scsi/lu-layout.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario/schema.ts';
import { createSharedMemory } from '../../src/core/memory.ts';
import { createRefCore } from '../../src/core/reference.ts';

const dir = mkdtempSync(join(tmpdir(), 'scsi-wire-'));
function scenarioFile(over: Record<string, unknown>): string {
  const path = join(dir, `s${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ ...DEFAULT_SCENARIO, ...over }));
  return path;
}

async function session(lines: string[], scenarioPath?: string): Promise<Record<string, any>[]> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (c: Buffer) => { text += c.toString(); });
  const done = runWire({ input, output, scenarioPath, core: createRefCore(createSharedMemory(1 << 20)) });
  input.end(lines.join('\n') + '\n');
  await done;
  return text.trim().split('\n').map((l) => JSON.parse(l));
}

const small = { geometry: { blocks: 1024, blockBytes: 512, cacheSlots: 64 }, initial: { pair: 'duplex', pending: 0.25, dirtyInCache: 0.25 } };

describe('runWire', () => {
  it('answers each line; bad JSON, bad hex and bad steps get an error line and the wire goes on', async () => {
    const out = await session([
      JSON.stringify({ lun: 0, cdb: toHex(inquiryCdb(false, 0, 36)) }),
      '{not json',
      JSON.stringify({ lun: 0, cdb: 'zz' }),
      JSON.stringify({ lun: 0, cdb: '1b0203' }),
      JSON.stringify({ step: { op: 'fly' } }),
      JSON.stringify({ step: { op: 'write', lba: -1 } }),
      JSON.stringify({ lun: 0, cdb: toHex(readCapacity16Cdb()) }),
    ], scenarioFile(small));
    expect(out).toHaveLength(7);
    expect(out[0]).toMatchObject({ status: 'GOOD' });
    expect(out[0]!.data).toHaveLength(72);
    expect(out[1]).toHaveProperty('error');
    expect(out[2]).toHaveProperty('error');
    expect(out[3]).toMatchObject({ status: 'CHECK CONDITION', sense: { key: 5, asc: 0x20, ascq: 0 } });
    expect(out[4]!.error).toMatch(/step\.op/);
    expect(out[5]!.error).toMatch(/write needs/);
    expect(out[6]).toMatchObject({ status: 'GOOD' });
  });

  it('steps drive the sim; a tagged EXTENDED COPY runs through 502/503 while RECEIVE COPY RESULTS polls', async () => {
    // The scenario starts duplex with a quarter of the blocks pending (its initial state).
    const cscd = (lun: number, pt: 0 | 1) => ({ peripheralType: pt, designator: naa6(DEFAULT_ARRAY_SERIAL, lun), blockLength: pt ? 0 : 512 });
    const list = encodeXcopyParams({ listId: 1, cscds: [cscd(LUN.SVOL, 0), cscd(LUN.TAPE, 1)],
      segments: [{ type: 0x00, src: 0, dst: 1, streamTransferLength: 8192, blocks: 1024, lba: 0n }] });
    const out = await session([
      JSON.stringify({ step: { op: 'write', lba: 0, blocks: 8, byte: 7 } }),
      JSON.stringify({ lun: LUN.CMD_603, cdb: toHex(encodePairCdb('split')) }),
      JSON.stringify({ lun: LUN.CMD_604, cdb: toHex(extendedCopyCdb(list.length)), data: toHex(list), tag: 42 }),
      JSON.stringify({ lun: LUN.CMD_604, cdb: toHex(receiveCopyResultsCdb(0, 1)) }),
      JSON.stringify({ advance: 1e6 }),
      JSON.stringify({ step: { op: 'status' } }),
      JSON.stringify({ step: { op: 'resync' } }),
    ], scenarioFile(small));
    expect(out[0]).toMatchObject({ step: { op: 'write', ack: expect.any(Number) } });
    expect(out[1]).toMatchObject({ status: 'GOOD' });
    expect(out[2]).toEqual({ tag: 42, queued: true });
    expect(out[3]).toMatchObject({ status: 'GOOD' });
    expect(parseInt(out[3]!.data.slice(8, 10), 16)).toBe(0); // copy status: in progress
    expect(out[4]).toMatchObject({ tag: 42, status: 'GOOD' });
    // advance is relative: 1e6 ms after the split and the copy's start, a few ms in.
    expect(out[5]!.now).toBeGreaterThan(1e6);
    expect(out[5]!.now).toBeLessThan(1e6 + 10);
    expect(out[6]!.now).toBe(out[5]!.now); // a status step takes no time
    expect(out[6]!.step).toMatchObject({ p516: 'split', s517: 'split', pending: 0, tapeBlocks: 64, tapeBytes: 1024 * 512,
      backup: { status: 'done', failure: 'none', blocksDone: 1024 } });
    expect(out[7]!.step).toMatchObject({ op: 'resync', ok: true, p516: 'duplex', pending: 0 }); // no write since the split
  });

  it('a scenario file sets the volumes\' geometry', async () => {
    const out = await session([JSON.stringify({ lun: LUN.SVOL, cdb: toHex(readCapacity16Cdb()) })],
      scenarioFile({ geometry: { blocks: 2048, blockBytes: 4096, cacheSlots: 64 } }));
    expect(out[0]!.data.slice(0, 24)).toBe('00000000000007ff00001000');
  });
});
