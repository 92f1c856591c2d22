// The hex view's field maps (web/ui/scsi-fields.ts) over the bytes the UI shows for a
// script command (web/ui/command-bytes.ts): every field lies inside its buffer, and what a
// field says agrees with the SCSI layer's own parser (src/scsi/xcopy-params.ts) and with the
// command it came from. Arbitrary bytes never break the field maps (a hex view must show
// whatever is on the wire).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backupParams, checkParams, pairCdb, pollCdb, xcopyCdb } from '../../web/ui/command-bytes.ts';
import { cdbFields, copyStatusFields, pairQueryFields, senseFields, senseSummary, xcopyParamFields } from '../../web/ui/scsi-fields.ts';
import { parseXcopyParams } from '../../src/scsi/xcopy-params.ts';
import { DEFAULT_COPY_LIMITS } from '../../src/scsi/copy-limits.ts';
import { encodeSense, SENSE } from '../../src/scsi/sense.ts';
import { ALL_MODES, DEFAULT_SCENARIO, E4_VIA, LIMITS, type BackupCmd } from '../../src/scenario/schema.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import type { HexField } from '../../web/ui/scsi-fields.ts';

const value = (fields: readonly HexField[], name: string) => fields.find((x) => x.name === name)?.value;
const inside = (fields: readonly HexField[], len: number) =>
  fields.every((x) => Number.isInteger(x.offset) && x.offset >= 0 && x.length >= 1 && x.offset + x.length <= len);

const arbBackup = fc.record({
  mode: fc.constantFrom(...ALL_MODES),
  e4Via: fc.constantFrom(...E4_VIA),
  blockBytes: fc.constantFrom(512, 4096, 32768),
  blocks: fc.integer({ min: 16, max: 200_000 }),
  lbaFrac: fc.double({ min: 0, max: 0.99, noNaN: true }),
  lenFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  unit: fc.integer({ min: 1, max: 127 }),
}).map((a) => {
  const blocks = Math.min(a.blocks, LIMITS.maxVolumeBytes / a.blockBytes);
  const lba = Math.floor(blocks * a.lbaFrac);
  const transferBlocks = Math.max(1, Math.min(a.unit, blocks, Math.floor(65535 / a.blockBytes)));
  const s = validateScenario({
    ...DEFAULT_SCENARIO, mode: a.mode, e4Via: a.e4Via,
    geometry: { blocks, blockBytes: a.blockBytes, cacheSlots: 64 },
    script: [{ at: 0, op: 'split' }, { at: 0, op: 'backup', lba, blocks: Math.floor((blocks - lba) * a.lenFrac), transferBlocks, check: 'unit' }],
  });
  return { s, cmd: s.script[1] as BackupCmd };
});

describe('EXTENDED COPY bytes and their fields', () => {
  it('fields lie inside the list and say what the SCSI parser reads', () => {
    fc.assert(fc.property(arbBackup, ({ s, cmd }) => {
      const list = backupParams(s, cmd);
      expect(checkParams(list)).toBeNull();
      const plan = parseXcopyParams(list, DEFAULT_COPY_LIMITS);
      const fields = xcopyParamFields(list);
      expect(inside(fields, list.length)).toBe(true);
      expect(value(fields, 'CSCD DESCRIPTOR LIST LENGTH')).toBe(String(plan.cscds.length * 32));
      const streams = plan.segments.filter((x) => x.type === 0x00);
      const total = cmd.blocks === 0 ? s.geometry.blocks - cmd.lba : cmd.blocks;
      // The segments cover the backup range exactly, in order, in whole tape records.
      expect(streams.reduce((n, x) => n + x.blocks, 0)).toBe(total);
      plan.segments.forEach((seg, i) => {
        if (seg.type === 0x00) {
          expect(value(fields, `seg ${i}: number of blocks`)).toBe(String(seg.blocks));
          expect(value(fields, `seg ${i}: block device LBA`)).toBe(String(seg.lba));
          expect(value(fields, `seg ${i}: stream transfer length`)).toBe(String(cmd.transferBlocks * s.geometry.blockBytes));
        }
        if (seg.type === 0xc0) expect(value(fields, `seg ${i}: consistency mode`)).toBe(seg.mode);
      });
      if (streams.length) expect(streams[0]!.lba).toBe(BigInt(cmd.lba));
      // Embodiment 4 alone carries the split (C0h) in the list, in its e4Via method.
      const c0 = plan.segments.filter((x) => x.type === 0xc0);
      expect(c0.length).toBe(s.mode === 'E4' ? 1 : 0);
      if (s.mode === 'E4') expect(c0[0]).toMatchObject({ mode: { E1: 'priority', E2: 'wait', E3: 'staging' }[s.e4Via] });
      const cdb = xcopyCdb(list);
      const cf = cdbFields(cdb);
      expect(inside(cf, cdb.length)).toBe(true);
      expect(value(cf, 'PARAMETER LIST LENGTH')).toBe(String(list.length));
    }), { numRuns: 150 });
  });
});

describe('other CDBs, data-in and sense', () => {
  it('pair operation and poll CDBs name their action and service action', () => {
    for (const op of ['create', 'split', 'resync', 'delete'] as const) {
      const cdb = pairCdb(op);
      const f = cdbFields(cdb);
      expect(inside(f, cdb.length)).toBe(true);
      expect(value(f, 'ACTION')).toBe(op);
    }
    const poll = cdbFields(pollCdb());
    expect(value(poll, 'SERVICE ACTION')).toBe('00h COPY STATUS');
    expect(value(poll, 'OPERATION CODE')).toBe('84h RECEIVE COPY RESULTS');
  });

  it('every sense code the target answers is decoded to its key/ASC/ASCQ and name', () => {
    for (const [name, code] of Object.entries(SENSE)) {
      const sense = encodeSense(code);
      const f = senseFields(sense);
      expect(inside(f, sense.length)).toBe(true);
      const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
      const tag = `${hex(code.key)}/${hex(code.asc)}/${hex(code.ascq)}`;
      expect(senseSummary(sense), name).toMatch(new RegExp(`^${tag} `));
    }
    expect(senseSummary(encodeSense(SENSE.COMMAND_SEQUENCE_ERROR))).toBe('05/2C/00 ILLEGAL REQUEST: COMMAND SEQUENCE ERROR');
  });

  it('arbitrary bytes never throw out of a field map, and fields stay inside the buffer', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      for (const map of [cdbFields, xcopyParamFields, senseFields, copyStatusFields, pairQueryFields]) {
        const f = map(b);
        expect(Array.isArray(f)).toBe(true);
        for (const x of f) expect(typeof x.value).toBe('string');
      }
      // An EXTENDED COPY list the parser would take is also mapped inside its bounds.
      let ok = true;
      try { parseXcopyParams(b, DEFAULT_COPY_LIMITS); } catch { ok = false; }
      if (ok) expect(inside(xcopyParamFields(b), b.length)).toBe(true);
    }), { numRuns: 300 });
  });
});
