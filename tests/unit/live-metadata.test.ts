import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type MetadataRecord, bitmapBytesFor, crc32c, decodeMetadata, encodeMetadata,
} from '../../src/runtime/live/metadata-record.ts';
import { MemorySlotStore, MetadataJournal, allDirty, recoverMetadata } from '../../src/runtime/live/metadata-journal.ts';
import { checkQuota, QUOTA_HEADROOM_BYTES, reservationRefused, scriptTapeBytes } from '../../src/runtime/live/quota.ts';
import { AwsTapeWriter } from '../../src/devices/awstape.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { createSharedMemory } from '../../src/core/memory.ts';
import { loadCoreNode } from '../../src/core/load-node.ts';
import type { Core } from '../../src/core/core-api.ts';

let core: Core;
beforeAll(async () => { core = await loadCoreNode(createSharedMemory(1 << 20)); });

const pairArb = fc.integer({ min: 0, max: 300 }).chain((blocks) => fc.record({
  pvol: fc.string({ maxLength: 8 }),
  svol: fc.string({ maxLength: 8 }),
  blocks: fc.constant(blocks),
  state516: fc.constantFrom('simplex', 'duplex', 'split', 'split-pending'),
  state517: fc.constantFrom('simplex', 'duplex', 'split', 'split-pending'),
  diff514: fc.uint8Array({ minLength: bitmapBytesFor(blocks), maxLength: bitmapBytesFor(blocks) }),
  postSplit: fc.uint8Array({ minLength: bitmapBytesFor(blocks), maxLength: bitmapBytesFor(blocks) }),
}));
const opArb = fc.record({
  kind: fc.constantFrom('split' as const, 'backup' as const),
  id: fc.string({ maxLength: 6 }),
  startedAt: fc.integer({ min: 0 }),
  detail: fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean()), { maxKeys: 3 }),
});
const recArb: fc.Arbitrary<MetadataRecord> = fc.record({
  run: fc.record({ scenario: fc.string({ maxLength: 10 }), mode: fc.constantFrom("E1", "E3"), startedAt: fc.nat() }),
  sequence: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  clean: fc.boolean(),
  pairs: fc.array(pairArb, { maxLength: 3 }),
  inFlight: fc.array(opArb, { maxLength: 2 }),
});

/** Bit `i` of an LSB-first bitmap. */
const bit = (b: Uint8Array, i: number) => (b[i >> 3] >> (i & 7)) & 1;

describe('metadata record (pair states + bitmaps + CRC-32C)', () => {
  it('CRC-32C matches the RFC 3720 check value', () => {
    // "123456789" → E3069283h (RFC 3720 §B.4 / the iSCSI CRC-32C check value).
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });

  it('round-trips any record; one written while I/O runs comes back with every bit dirty', () => {
    fc.assert(fc.property(recArb, (rec) => {
      const d = decodeMetadata(encodeMetadata(rec));
      expect(d.ok).toBe(true);
      const dirty = (p: MetadataRecord['pairs'][number]) => ({ ...p, diff514: allDirty(p.blocks), postSplit: allDirty(p.blocks) });
      if (d.ok) expect(d.record).toEqual(rec.clean ? rec : { ...rec, pairs: rec.pairs.map(dirty) });
    }));
  });

  it('leaves the bitmaps out of a record written while I/O runs (its size does not grow with the volume)', () => {
    const rec = (blocks: number, clean: boolean): MetadataRecord => ({
      sequence: 1, clean, inFlight: [],
      pairs: [{ pvol: 'p', svol: 's', blocks, state516: 'split', state517: 'split-pending', diff514: allDirty(blocks), postSplit: allDirty(blocks) }],
    });
    // Two block counts with as many digits, so the JSON is as long.
    expect(encodeMetadata(rec(8_000_000, false)).length).toBe(encodeMetadata(rec(1_000_000, false)).length);
    expect(encodeMetadata(rec(8_000_000, true)).length).toBe(encodeMetadata(rec(1_000_000, true)).length + 2 * 7_000_000 / 8);
  });

  it('decodes a record checksummed by the core (the live runtime\'s path) exactly as one checksummed here', () => {
    const at = 1 << 16;
    const coreCrc = (b: Uint8Array) => {
      new Uint8Array(core.memory.buffer, at, b.length).set(b);
      return core.checksum(at, b.length);
    };
    fc.assert(fc.property(recArb, (rec) => {
      const mine = encodeMetadata(rec);
      expect(encodeMetadata(rec, coreCrc)).toEqual(mine);
      expect(decodeMetadata(encodeMetadata(rec, coreCrc)).ok).toBe(true);
    }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 5000 }), (b) => {
      expect(coreCrc(b) >>> 0).toBe(crc32c(b));
    }));
  });

  it('refuses any single flipped bit and any truncation', () => {
    fc.assert(fc.property(recArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (rec, at, b) => {
      const bytes = encodeMetadata(rec);
      const flipped = bytes.slice();
      flipped[at % bytes.length] ^= 1 << b;
      expect(decodeMetadata(flipped).ok).toBe(false);
      expect(decodeMetadata(bytes.subarray(0, at % bytes.length)).ok).toBe(false);
    }));
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      expect(decodeMetadata(b).ok).toBe(false);
    }));
  });
});

describe('metadata journal (two slots; untrusted ⇒ all dirty)', () => {
  const pair = (blocks: number, fill: number) => ({
    pvol: 'pvol-601', svol: 'svol-602', blocks, state516: 'split', state517: 'split-pending',
    diff514: new Uint8Array(bitmapBytesFor(blocks)).fill(fill), postSplit: new Uint8Array(bitmapBytesFor(blocks)),
  });

  it('allDirty sets exactly the first `blocks` bits', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 200 }), (n) => {
      const b = allDirty(n);
      for (let i = 0; i < b.length * 8; i++) expect(bit(b, i)).toBe(i < n ? 1 : 0);
    }));
  });

  it('a clean newest record is trusted exactly; the newer of two slots wins', () => {
    const store = new MemorySlotStore();
    const j = new MetadataJournal(store, 0);
    j.commit({ clean: true, pairs: [pair(20, 0x01)], inFlight: [] });
    j.commit({ clean: true, pairs: [pair(20, 0x02)], inFlight: [] });
    const r = recoverMetadata(store);
    expect(r.bitmapsTrusted).toBe(true);
    expect(r.sequence).toBe(2);
    expect(r.pairs[0].diff514[0]).toBe(0x02);
  });

  it('any torn or unclean history never yields a bitmap cleaner than the truth', () => {
    // Model: commits, the last one torn by a reload. A torn slot write leaves a prefix of
    // the new record over the old bytes (OpfsSlotStore writes in place, then truncates).
    // As in the runtime, only the last record of a run may be CLEAN (written at the quiet end;
    // a new run clears the slots before its first volume write).
    fc.assert(fc.property(
      fc.tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 }), fc.boolean())
        .map(([fills, endClean]) => fills.map((fill, i) => ({ fill, clean: endClean && i === fills.length - 1 }))),
      fc.oneof(fc.constant('none' as const), fc.constant('prefix' as const), fc.constant('flip' as const)),
      fc.nat(),
      (commits, tear, where) => {
        const store = new MemorySlotStore();
        const j = new MetadataJournal(store, 0);
        const last = commits.length & 1;
        let old: Uint8Array | null = null;
        commits.forEach((c, i) => {
          if (i === commits.length - 1) old = store.slots[last];
          j.commit({ clean: c.clean, pairs: [pair(13, c.fill)], inFlight: [] });
        });
        const fresh = store.slots[last]!;
        if (tear === 'prefix') {
          const k = where % fresh.length;
          const prev: Uint8Array = old ?? new Uint8Array(0);
          const torn = new Uint8Array(Math.max(k, prev.length));
          torn.set(prev);
          torn.set(fresh.subarray(0, k));
          store.slots[last] = torn;
        }
        if (tear === 'flip') { const b = fresh.slice(); b[where % b.length] ^= 0x10; store.slots[last] = b; }
        const r = recoverMetadata(store);
        const truth = commits[commits.length - 1];
        // A tear that wrote nothing leaves the old, valid record: only an undecodable slot is damaged.
        const damaged = store.slots[last]!.length > 0 && !decodeMetadata(store.slots[last]!).ok;
        if (r.pairs.length === 0) { expect(tear).not.toBe('none'); return; }
        // Every bit the true (newest) differential has set is set in what we recovered.
        for (let i = 0; i < 13; i++) {
          if (bit(new Uint8Array(2).fill(truth.fill), i)) expect(bit(r.pairs[0].diff514, i)).toBe(1);
        }
        if (tear === 'none') expect(r.bitmapsTrusted).toBe(truth.clean);
        if (damaged) {
          expect(r.bitmapsTrusted).toBe(false);
          expect(r.notes.join(' ')).toMatch(/cannot be trusted/);
        }
      }));
  });

  it('reports splits and backups that were in flight', () => {
    const store = new MemorySlotStore();
    new MetadataJournal(store, 0).commit({
      clean: false, pairs: [pair(8, 0)],
      inFlight: [{ kind: 'backup', id: 'b1', startedAt: 5, detail: { mode: 'E3' } }],
    });
    const r = recoverMetadata(store);
    expect(r.interrupted.map((o) => o.id)).toEqual(['b1']);
    expect(r.notes.join(' ')).toMatch(/backup b1 was interrupted/);
    expect(Array.from(r.pairs[0].diff514)).toEqual([0xff]);
  });
});

describe('quota check before any write', () => {
  it('refuses a plan larger than the room left, naming the numbers', () => {
    const v = checkQuota({ quota: 10 << 20, usage: 2 << 20 }, [{ name: 'pvol-601', bytes: 64 << 20, existingBytes: 0 }]);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.needBytes).toBe((64 << 20) + QUOTA_HEADROOM_BYTES);
      expect(v.availableBytes).toBe(8 << 20);
      expect(v.message).toContain(String((64 << 20) + QUOTA_HEADROOM_BYTES));
      expect(v.message).toContain(String(8 << 20));
      expect(v.message).toContain('pvol-601');
    }
  });

  it('accepts exactly when growth + headroom fits; existing bytes cost nothing new', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ bytes: fc.nat(1 << 30), existingBytes: fc.nat(1 << 30) }), { maxLength: 4 }),
      fc.nat(2 ** 40), fc.nat(2 ** 40),
      (files, quota, usage) => {
        const plan = files.map((f, i) => ({ name: `f${i}`, ...f }));
        const need = files.reduce((s, f) => s + Math.max(0, f.bytes - f.existingBytes), 0) + QUOTA_HEADROOM_BYTES;
        expect(checkQuota({ quota, usage }, plan).ok).toBe(need <= Math.max(0, quota - usage));
      }));
  });
});

describe('the tape 503 lays out before a run', () => {
  it('is exactly the image the script\'s backups write (so the tape never grows mid-backup), as the quota plans it', () => {
    fc.assert(fc.property(
      fc.integer({ min: 16, max: 4096 }), fc.constantFrom(512, 4096),
      fc.array(fc.record({ lba: fc.double({ min: 0, max: 0.99, noNaN: true }), len: fc.double({ min: 0, max: 1, noNaN: true }), unit: fc.integer({ min: 1, max: 16 }) }), { maxLength: 3 }),
      (blocks, blockBytes, bks) => {
        const script = bks.map((b) => {
          const lba = Math.floor(blocks * b.lba);
          return { at: 0, op: 'backup' as const, lba, blocks: Math.floor((blocks - lba) * b.len), transferBlocks: Math.min(b.unit, Math.floor(65535 / blockBytes)), check: 'unit' as const };
        });
        const s = validateScenario({ version: 1, geometry: { blocks, blockBytes, cacheSlots: 16 }, script });
        // What 503 writes for each: the range in transfer units (0 blocks = to the end), then a tapemark.
        const w = new AwsTapeWriter();
        for (const c of s.script) {
          if (c.op !== 'backup') continue;
          const len = c.blocks === 0 ? blocks - c.lba : c.blocks;
          for (let o = 0; o < len; o += c.transferBlocks) w.writeBlock(new Uint8Array(Math.min(c.transferBlocks, len - o) * blockBytes));
          w.writeTapemark();
        }
        expect(scriptTapeBytes(s)).toBe(w.bytesWritten);
      }), { numRuns: 200 });
  });
});

describe('quota refusal when the browser enforces less than estimate() said', () => {
  it('names the file, its size and both figures', () => {
    const m = reservationRefused(40 << 20, 'pvol-601.img', 16 << 20, 123456);
    expect(m).toContain('Refused before any write');
    expect(m).toContain(`(${40 << 20} bytes)`);
    expect(m).toContain(`(${16 << 20} bytes) for pvol-601.img`);
    expect(m).toContain('(123456 bytes) available');
  });
});
