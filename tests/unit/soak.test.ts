// The soak (tests/soak/soak-run.ts): its scenarios are valid and replay from their seed,
// a short soak finds no violation and counts what it ran, and the command prints the
// summary as one JSON object with --json.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core-api.ts';
import { FAULT_KINDS, MODES } from '../../src/scenario/schema.ts';
import { soak, soakOne, soakScenario } from '../soak/soak-run.ts';
import { coreForTests } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

describe('npm run soak', () => {
  it('draws the same valid scenario from the same run seed, with faults of every kind over the runs', () => {
    expect(soakScenario(12345)).toEqual(soakScenario(12345));
    const kinds = new Set<string>();
    for (let k = 0; k < 200; k++) for (const f of soakScenario(k).faults ?? []) kinds.add(f.kind);
    expect([...kinds].sort()).toEqual([...FAULT_KINDS].sort());
  });

  it('a short soak has no violation and counts its runs, modes and faults', () => {
    const s = soak(core, 60, 7);
    expect(s.violations).toBe(0);
    expect(s.runs).toBe(60);
    expect(Object.values(s.modes).reduce((a, b) => a + b, 0)).toBe(60);
    expect(Object.keys(s.modes).sort()).toEqual([...MODES].sort());
    expect(Object.values(s.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(30);
    expect(s.backups.done).toBeGreaterThan(10);
    expect(s.backups.failed).toBeGreaterThan(0);
  });

  it('a run replays alone with the same outcome', () => {
    const a = soakOne(core, 361796932), b = soakOne(core, 361796932);
    expect(a).toEqual(b);
  });

  it('prints the summary as one JSON object', () => {
    const r = spawnSync(process.execPath, ['bin/soak.js', '--runs', '5', '--seed', '3', '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout.trim());
    expect(s).toMatchObject({ runs: 5, violations: 0, seed: 3 });
    expect(Object.keys(s.faults)).toEqual(expect.arrayContaining([...FAULT_KINDS]));
    expect(Object.keys(s.modes)).toEqual(expect.arrayContaining([...MODES]));
    const bad = spawnSync(process.execPath, ['bin/soak.js', '--runs', 'x'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--runs needs an integer/);
  });
});
