// The JSON-lines wire end to end through runWire (issue 5, "A wire for tools and tests").
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWire, standaloneHost } from '../../src/scsi/wire.ts';
import { toHex } from '../../src/scsi/bytes.ts';
import { extendedCopyCdb, inquiryCdb, readCapacity16Cdb, receiveCopyResultsCdb } from '../../src/scsi/cdb.ts';
import { encodeXcopyParams } from '../../src/scsi/xcopy-encode.ts';
import { LUN } from '../../src/scsi/standalone.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario/schema.ts';

async function session(lines: string[], scenarioPath?: string): Promise<Record<string, any>[]> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (c: Buffer) => { text += c.toString(); });
  const done = runWire({ input, output, scenarioPath });
  input.end(lines.join('\n') + '\n');
  await done;
  return text.trim().split('\n').map((l) => JSON.parse(l));
}

describe('runWire', () => {
  it('answers each line; bad JSON and bad hex get an error line and the wire goes on', async () => {
    const out = await session([
      JSON.stringify({ lun: 0, cdb: toHex(inquiryCdb(false, 0, 36)) }),
      '{not json',
      JSON.stringify({ lun: 0, cdb: 'zz' }),
      JSON.stringify({ lun: 0, cdb: '010203' }),
      JSON.stringify({ lun: 0, cdb: toHex(readCapacity16Cdb()) }),
    ]);
    expect(out).toHaveLength(5);
    expect(out[0]).toMatchObject({ status: 'GOOD' });
    expect(out[0]!.data).toHaveLength(72);
    expect(out[1]).toHaveProperty('error');
    expect(out[2]).toHaveProperty('error');
    expect(out[3]).toMatchObject({ status: 'CHECK CONDITION', sense: { key: 5, asc: 0x20, ascq: 0 } });
    expect(out[4]).toMatchObject({ status: 'GOOD' });
  });

  it('tags queue an EXTENDED COPY; RECEIVE COPY RESULTS runs meanwhile; advance delivers the end', async () => {
    const host = standaloneHost();
    const naa = (lun: number) => host.target.lu(lun)!.id.naa;
    const list = encodeXcopyParams({ listId: 1, cscds: [
      { peripheralType: 0, designator: naa(LUN.PVOL), blockLength: 512 }, { peripheralType: 1, designator: naa(LUN.TAPE) }],
    segments: [{ type: 0x00, src: 0, dst: 1, streamTransferLength: 4096, blocks: 4096, lba: 0n }] });
    const out = await session([
      JSON.stringify({ step: { op: 'write', lba: 0, blocks: 8, byte: 7 } }),
      JSON.stringify({ lun: LUN.CMD_604, cdb: toHex(extendedCopyCdb(list.length)), data: toHex(list), tag: 42 }),
      JSON.stringify({ lun: LUN.CMD_604, cdb: toHex(receiveCopyResultsCdb(0, 1)) }),
      JSON.stringify({ advance: 1e6 }),
      JSON.stringify({ step: { op: 'status' } }),
    ]);
    expect(out[0]).toMatchObject({ step: { status: 'GOOD' } });
    expect(out[1]).toEqual({ tag: 42, queued: true });
    expect(out[2]).toMatchObject({ status: 'GOOD' });
    expect(parseInt(out[2]!.data.slice(8, 10), 16)).toBe(0); // copy status: in progress
    expect(out[3]).toMatchObject({ tag: 42, status: 'GOOD' });
    expect(out[4]).toMatchObject({ now: 1e6 });
    expect(out[5]!.step).toMatchObject({ tapeBlocks: 512, tapeBytes: 4096 * 512 });
  });

  it('a scenario file sets the volumes\' geometry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scsi-wire-'));
    const path = join(dir, 's.json');
    writeFileSync(path, JSON.stringify({ ...DEFAULT_SCENARIO, geometry: { blocks: 2048, blockBytes: 4096, cacheSlots: 64 } }));
    const out = await session([JSON.stringify({ lun: LUN.SVOL, cdb: toHex(readCapacity16Cdb()) })], path);
    expect(out[0]!.data.slice(0, 24)).toBe('00000000000007ff00001000');
  });
});
