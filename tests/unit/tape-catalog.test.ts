// The tape's index and catalog (src/devices/tape-index.ts, tape-catalog.ts): an index
// extended as the tape grows equals one built at the end; a catalog round-trips through its
// records, is refused in words when malformed, and the tape's catalog is the last whole one
// that names only files before it, also when the tape ends partial.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsTapeWriter, bytesSource, readAwsTape } from '../../src/devices/awstape.ts';
import {
  CATALOG_RECORD_BYTES, chainOf, decodeCatalog, emptyCatalog, encodeCatalog, readCatalog, type Catalog, type CatalogEntry,
} from '../../src/devices/tape-catalog.ts';
import { TapeIndex } from '../../src/devices/tape-index.ts';

const entry = (point: number, file: number, over: Partial<CatalogEntry> = {}): CatalogEntry => ({
  point, file, level: point === 0 ? 'full' : 'incremental', base: point === 0 ? null : point - 1,
  split: point + 1, splitAt: point * 10.5, lba: 0, blocks: 64, blockBytes: 512, records: 1, recordBlocks: 8, runs: [[0, 64]], ...over,
});
const cat = (entries: CatalogEntry[]): Catalog => ({ ...emptyCatalog(), entries });

describe('TapeIndex', () => {
  it('extended after every write, it equals the strict reader of the whole image', () => {
    // Blocks over 65535 bytes are segmented: a few of them, most small.
    const op = fc.oneof(fc.integer({ min: 1, max: 600 }).map((n) => ({ block: n })), fc.integer({ min: 65530, max: 70000 }).map((n) => ({ block: n })),
      fc.constant({ block: 0 }), fc.constant({ block: 0 }));
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), fc.array(fc.boolean(), { maxLength: 40 }), (ops, refreshAt) => {
      const w = new AwsTapeWriter();
      const idx = new TapeIndex(w);
      ops.forEach((o, k) => {
        if (o.block === 0) w.writeTapemark();
        else w.writeBlock(new Uint8Array(o.block).fill(k & 0xff));
        if (refreshAt[k]) idx.refresh();
      });
      idx.refresh();
      const { files } = readAwsTape(w.bytes());
      expect(idx.fileCount).toBe(files.length);
      files.forEach((blocks, f) => {
        expect(idx.files[f].blocks.length).toBe(blocks.length);
        blocks.forEach((b, k) => expect(Buffer.compare(idx.read(f + 1, k), b)).toBe(0));
      });
      expect(idx.endsPartial).toBe(ops.length > 0 && ops[ops.length - 1].block !== 0);
    }), { numRuns: 60 });
  });
});

describe('catalog', () => {
  it('round-trips through its records, which are at most 32 KiB each', () => {
    const runs: [number, number][] = Array.from({ length: 4000 }, (_, i) => [i * 3, 2]);
    const c = cat([entry(0, 1, { blocks: 12000, runs: [[0, 12000]] }), entry(1, 3, { blocks: 12000, records: 4000, runs })]);
    const recs = encodeCatalog(c);
    expect(recs.length).toBeGreaterThan(1);
    for (const r of recs) expect(r.byteLength).toBeLessThanOrEqual(CATALOG_RECORD_BYTES);
    const d = decodeCatalog(recs);
    expect(d.ok && d.catalog).toEqual(c);
  });

  it('refuses what is not a whole, consistent catalog, in words', () => {
    const bad = (c: unknown) => decodeCatalog([new TextEncoder().encode(JSON.stringify(c))]);
    expect(bad({ x: 1 })).toEqual({ ok: false, reason: 'not a catalog file' });
    const good = cat([entry(0, 1), entry(1, 3)]);
    expect(bad({ ...good, version: 2 })).toMatchObject({ ok: false, reason: expect.stringMatching(/version 2/) });
    expect(bad(cat([entry(0, 1), entry(1, 3, { base: 1 })]))).toMatchObject({ ok: false, reason: expect.stringMatching(/entry 1: base/) });
    expect(bad(cat([entry(0, 1, { runs: [[10, 5], [12, 1]] })]))).toMatchObject({ ok: false, reason: expect.stringMatching(/out of order/) });
    expect(bad(cat([entry(0, 1, { runs: [[60, 5]] })]))).toMatchObject({ ok: false, reason: expect.stringMatching(/outside the range/) });
    const whole = encodeCatalog(good)[0];
    expect(decodeCatalog([whole.subarray(0, whole.byteLength - 3)])).toMatchObject({ ok: false, reason: expect.stringMatching(/not whole JSON/) });
  });

  it('a point restores from its chain: the full it builds on, then every incremental up to it', () => {
    const c = cat([entry(0, 1), entry(1, 3), entry(2, 5, { level: 'full', base: null }), entry(3, 7, { base: 2 })]);
    expect(chainOf(c, 1).map((e) => e.point)).toEqual([0, 1]);
    expect(chainOf(c, 3).map((e) => e.point)).toEqual([2, 3]);
    expect(() => chainOf(c, 4)).toThrow(/no restore point 4: the catalog has 4/);
  });

  it('the tape\'s catalog is the last whole one, also when the tape ends partial', () => {
    const w = new AwsTapeWriter();
    const put = (blocks: Uint8Array[], mark = true) => { blocks.forEach((b) => w.writeBlock(b)); if (mark) w.writeTapemark(); };
    const data = [new Uint8Array(512).fill(9)];
    put(data);
    put(encodeCatalog(cat([entry(0, 1)])));
    put(data);
    put(encodeCatalog(cat([entry(0, 1), entry(1, 3)])));
    const at = (bytes: Uint8Array) => readCatalog(new TapeIndex(bytesSource(bytes)));
    expect(at(w.bytes()).file).toBe(4);
    // A backup cut off before its tapemark: the catalog before it still names every whole file.
    put(data, false);
    expect(at(w.bytes())).toMatchObject({ file: 4, catalog: { entries: [{ point: 0 }, { point: 1 }] } });
    // A catalog cut off inside its JSON: the one before it.
    w.writeTapemark();
    const next = encodeCatalog(cat([entry(0, 1), entry(1, 3), entry(2, 5)]))[0];
    put([next.subarray(0, 40)], false);
    expect(at(w.bytes()).file).toBe(4);
    // A catalog that names a file after itself is data that happens to look like one.
    const w2 = new AwsTapeWriter();
    w2.writeBlock(encodeCatalog(cat([entry(0, 1)]))[0]);
    w2.writeTapemark();
    expect(readCatalog(new TapeIndex(w2)).file).toBe(0);
  });
});
