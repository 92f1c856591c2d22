// The bitmap operations of the core: WASM and TypeScript reference against a
// boolean model, on random operation sequences (fast-check), with ranges that start and
// end inside words, empty and reversed ranges, out-of-range positions and the last bit.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import type { Core } from '../../src/core/core-api.ts';
import { BM, bothCores, init, bitmapImage, missingSummary, nbitsArb, posArb, Model } from './core-helpers.ts';

type Op = { op: string; a: number; b: number };
const OPS = [
  'setRange', 'clearRange', 'atomicSetRange', 'atomicClearRange', 'atomicSet', 'atomicClear',
  'test', 'count', 'nextSet', 'nextClear',
] as const;

/** Ops whose second position is either anywhere or a short hop past the first (sparse maps). */
function opArb(n: number): fc.Arbitrary<Op> {
  return fc.record({ op: fc.constantFrom(...OPS), a: posArb(n), hop: fc.integer({ min: -2, max: 70 }), b: posArb(n), far: fc.boolean() })
    .map(({ op, a, hop, b, far }) => ({ op, a, b: far || op.startsWith('next') ? b : a + hop }));
}

function scenario(nbits: fc.Arbitrary<number> = nbitsArb): fc.Arbitrary<{ n: number; ops: Op[] }> {
  return nbits.chain((n) => fc.record({
    n: fc.constant(n),
    ops: fc.array(opArb(n), { maxLength: 40 }),
  }));
}

/** Applies `o` to the model and returns what the core must answer (undefined: no answer). */
function expected(m: Model, o: Op): number | undefined {
  switch (o.op) {
    case 'setRange': case 'atomicSetRange': m.fill(o.a, o.b, true); return undefined;
    case 'clearRange': case 'atomicClearRange': m.fill(o.a, o.b, false); return undefined;
    case 'atomicSet': { const old = m.get(o.a); m.fill(o.a, o.a + 1, true); return old; }
    case 'atomicClear': { const old = m.get(o.a); m.fill(o.a, o.a + 1, false); return old; }
    case 'test': return m.get(o.a);
    case 'count': return m.count(o.a, o.b);
    case 'nextSet': return m.next(o.a, o.b, true);
    case 'nextClear': return m.next(o.a, o.b, false);
  }
  throw new Error(o.op);
}

function run(c: Core, o: Op): number | undefined {
  const r = o.op === 'test' || o.op === 'atomicSet' || o.op === 'atomicClear'
    ? (c as any)[o.op](BM, o.a)
    : (c as any)[o.op](BM, o.a, o.b);
  return r === undefined ? undefined : r;
}

describe('core bitmap', () => {
  let cores: Core[];
  beforeAll(async () => { cores = await bothCores(1 << 20); });

  it('WASM and reference answer as the model and leave identical bytes', () => {
    fc.assert(fc.property(scenario(), ({ n, ops }) => {
      init(cores, n);
      const m = new Model(n);
      for (const o of ops) {
        const want = expected(m, o);
        for (const c of cores) expect([c.kind, o, run(c, o)]).toEqual([c.kind, o, want]);
      }
      // The full state: every bit matches the model, summaries obey the rule, bytes agree.
      for (const c of cores) {
        for (let i = 0; i < n; i++) if (c.test(BM, i) !== m.get(i)) throw new Error(`${c.kind} bit ${i}`);
        expect(missingSummary(c)).toEqual([]);
      }
      expect(bitmapImage(cores[0], n)).toEqual(bitmapImage(cores[1], n));
    }), { numRuns: 400 });
  });

  it('scans long clean and long full stretches (the SIMD loops) as the model', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 300_000 }).chain((n) => fc.record({
        n: fc.constant(n),
        full: fc.boolean(),
        flips: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 12 }),
        from: fc.integer({ min: 0, max: n }),
      })),
      ({ n, full, flips, from }) => {
        init(cores, n);
        const sorted = flips.filter((b) => b >= from).sort((x, y) => x - y);
        for (const c of cores) {
          if (full) c.setRange(BM, 0, n);
          for (const b of flips) (full ? c.clearRange : c.setRange)(BM, b, b + 1);
          const found: number[] = [];
          const next = (p: number) => (full ? c.nextClear(BM, p, n) : c.nextSet(BM, p, n));
          for (let p = next(from); p >= 0; p = next(p + 1)) found.push(p);
          expect([c.kind, found]).toEqual([c.kind, sorted]);
          expect(c.count(BM, from, n)).toBe(full ? n - from - sorted.length : sorted.length);
        }
      },
    ), { numRuns: 300 });
  });

  it('keeps its answers on big bitmaps with short ranges', () => {
    fc.assert(fc.property(scenario(fc.integer({ min: 60_000, max: 140_000 })), ({ n, ops }) => {
      init(cores, n);
      const m = new Model(n);
      for (const o of ops) {
        const want = expected(m, o);
        for (const c of cores) expect([c.kind, o, run(c, o)]).toEqual([c.kind, o, want]);
      }
      for (const c of cores) expect(missingSummary(c)).toEqual([]);
      expect(bitmapImage(cores[0], n)).toEqual(bitmapImage(cores[1], n));
    }), { numRuns: 60 });
  });

  it('finds every set bit of a sparse bitmap in order, whatever the stale summary bits', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 20000 }).chain((n) => fc.record({
        n: fc.constant(n),
        set: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 60 }),
        staleClears: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 60 }),
      })),
      ({ n, set, staleClears }) => {
        init(cores, n);
        for (const c of cores) {
          // Atomic set then atomic clear leaves a summary bit over an empty lane.
          for (const b of staleClears) c.atomicSet(BM, b);
          for (const b of staleClears) c.atomicClear(BM, b);
          for (const b of set) c.atomicSet(BM, b);
          const found: number[] = [];
          for (let p = c.nextSet(BM, 0, n); p >= 0; p = c.nextSet(BM, p + 1, n)) found.push(p);
          expect(found).toEqual([...set].sort((x, y) => x - y));
          expect(c.count(BM, 0, n)).toBe(set.length);
        }
      },
    ), { numRuns: 200 });
  });

  it('handles the last bit, the empty bitmap and empty ranges', () => {
    for (const c of cores) {
      init([c], 0);
      expect([c.nextSet(BM, 0, 10), c.nextClear(BM, 0, 10), c.count(BM, 0, 10), c.atomicSet(BM, 0)]).toEqual([-1, -1, 0, 0]);
      const n = 4097; // one bit into a new lane
      init([c], n);
      c.setRange(BM, 0, n);
      expect([c.count(BM, 0, n), c.nextClear(BM, 0, n + 100), c.test(BM, n - 1), c.test(BM, n)]).toEqual([n, -1, 1, 0]);
      c.setRange(BM, n, n + 50); // past the end: padding must stay clear
      expect(c.count(BM, 0, n + 64)).toBe(n);
      c.atomicClear(BM, n - 1);
      expect([c.nextClear(BM, 0, n), c.nextSet(BM, n - 1, n)]).toEqual([n - 1, -1]);
      c.clearRange(BM, 10, 10);
      c.clearRange(BM, 20, 11);
      expect(c.count(BM, 0, n)).toBe(n - 1);
    }
  });
});
