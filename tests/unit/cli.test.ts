// The command line as a user runs it (bin/splitstream.js → src/cli.ts through tsx).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/oracle/sha256.ts';
import { parseRunArgs } from '../../src/cli.ts';
import { readAwsTape } from '../../src/devices/awstape.ts';
import { ALL_MODES, MODES } from '../../src/scenario/schema.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/splitstream.js', ...args], { cwd: root, encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'splitstream-cli-'));

const FIELDS = ['mode', 'verified', 'splitAckMs', 'backupAcceptedMs', 'backupDoneMs', 'splitCompleteMs', 'pendingAtSplit',
  'priorityCopies', 'cowCopies', 'stagedFromPvol', 'svolWritesForBackup', 'tapeBytes', 'tapeSha256', 'pitSha256'];

describe('splitstream run', () => {
  it('--json prints one verified object with every field, and --tape-out writes that tape', () => {
    const tape = join(tmp, 'e3.aws');
    const p = cli('run', 'scenarios/e3-staging-merge.json', '--json', '--blocks', '512', '--pending', '0.5', '--tape-out', tape);
    expect(p.stderr).toBe('');
    expect(p.status).toBe(0);
    const r = JSON.parse(p.stdout);
    for (const f of FIELDS) expect(r).toHaveProperty(f);
    expect(r).toMatchObject({ mode: 'E3', verified: true, blocks: 512, pendingAtSplit: 256, svolWritesForBackup: 0 });
    const bytes = new Uint8Array(readFileSync(tape));
    expect(sha256Hex(bytes)).toBe(r.tapeSha256);
    expect(readAwsTape(bytes).files[0].reduce((n, b) => n + b.byteLength, 0)).toBe(512 * 4096);
  });

  it('--compare runs every mode: one JSON line each, or a table', () => {
    const p = cli('run', '--compare', '--json', '--blocks', '256', '--seed', '5');
    expect(p.status).toBe(0);
    const rs = p.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rs.map((r) => r.mode)).toEqual([...ALL_MODES]);
    expect(rs.every((r) => r.seed === 5)).toBe(true);
    // The patent's modes and the sync prior art verify; the naive demonstration does not
    // (25% of the default scenario is pending at the split), and does not fail the exit code.
    for (const r of rs) expect([r.mode, r.verified]).toEqual([r.mode, r.mode !== 'naive']);
    expect(rs.find((r) => r.mode === 'naive').firstMismatch.block).toBeGreaterThanOrEqual(0);
    // The prior art answers its split late; quick splits answer at once.
    const ack = Object.fromEntries(rs.map((r) => [r.mode, r.splitAckMs]));
    expect(ack.sync).toBeGreaterThan(10 * ack.E1);
    const t = cli('run', '--compare', '--blocks', '256');
    expect(t.status).toBe(0);
    for (const m of MODES) expect(t.stdout).toMatch(new RegExp(`^${m}\\s+true`, 'm'));
    expect(t.stdout).toMatch(/^naive\s+false/m);
    expect(t.stdout).toMatch(/^naive: NOT verified \(expected: the prior art without the patent\): block \d+:/m);
    // Alone, the naive mode's failure is the run's result: exit 1.
    expect(cli('run', '--mode', 'naive', '--blocks', '256').status).toBe(1);
  });

  it('exits 2 naming the bad field or flag, and 1 when nothing verified', () => {
    const badFile = join(tmp, 'bad.json');
    writeFileSync(badFile, JSON.stringify({ version: 1, workload: { rate: 1e9 } }));
    const a = cli('run', badFile);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch('workload.rate: must be ≤ 100000');
    const b = cli('run', '--mode', 'E7');
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch('--mode must be one of');
    const noBackup = join(tmp, 'nobackup.json');
    writeFileSync(noBackup, JSON.stringify({ version: 1, geometry: { blocks: 64, blockBytes: 512, cacheSlots: 64 }, script: [{ at: 0, op: 'split' }] }));
    const c = cli('run', noBackup);
    expect(c.status).toBe(1);
    expect(c.stdout).toMatch('NOT verified');
  });

  it('parses flags strictly', () => {
    expect(parseRunArgs(['s.json', '--seed', '3', '--pending', '0.25', '--compare'])).toMatchObject({ path: 's.json', compare: true, o: { seed: 3, pending: 0.25 } });
    expect(() => parseRunArgs(['--seed', 'x'])).toThrow('--seed needs an integer');
    expect(() => parseRunArgs(['--blocks'])).toThrow('--blocks needs an integer');
    expect(() => parseRunArgs(['a.json', 'b.json'])).toThrow('unexpected argument b.json');
    expect(() => parseRunArgs(['--compare', '--tape-out', 'x'])).toThrow('--tape-out takes one mode');
  });
});
