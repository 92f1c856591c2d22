// The verdict's fault outcome (src/runtime/fault-outcome.ts) for the fault presets run in the sim.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core-api.ts';
import { runScenario } from '../../src/runtime/sim.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { faultOutcome } from '../../src/runtime/fault-outcome.ts';
import { coreForTests } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });
const load = (f: string) => validateScenario(JSON.parse(readFileSync(new URL(`../../scenarios/${f}`, import.meta.url), 'utf8')));

describe('the verdict\'s fault outcome', () => {
  it('names the fault, the aborted backup with its segment and reason, the verified one and the pair', () => {
    const lines = faultOutcome(runScenario(load('fault-tape-write-error.json'), { core }));
    expect(lines[0]).toMatch(/^tape write error \(armed at 0 ms\): tape-303 write at block 100 at [\d.]+ ms$/);
    expect(lines[1]).toBe('backup 1: COPY ABORTED at segment 0 after 800 blocks — device error: tape write at block 100; it left its tape file partial');
    expect(lines[2]).toBe('backup 2: completed, verified against the split-instant image');
    expect(lines[3]).toBe('pair at the end: split / split');
  });

  it('a suspension shows its reason; a run without faults has no outcome to show', () => {
    const r = runScenario(load('fault-svol-write-error.json'), { core });
    expect(faultOutcome(r)[1]).toMatch(/^backup 1: COPY ABORTED at segment 0 after 0 blocks — the pair was suspended \(S-VOL write error at LBA \d+\)/);
    expect(faultOutcome({ ...r, pair: { p516: 'suspended', s517: 'suspended', reason: 'S-VOL write error at LBA 3' } }).at(-1))
      .toBe('pair at the end: suspended / suspended (PSUE: S-VOL write error at LBA 3)');
    expect(faultOutcome({ ...r, faults: undefined })).toEqual([]);
  });
});
