// `splitstream iscsi` as a user runs it (docs/iscsi.md#starting-it): the target name on the
// first line, the portal and the LUN map, iscsi-ls finds it, Ctrl-C (SIGTERM) stops it and
// leaves the files; bad arguments and a folder that already holds volumes are refused
// without touching anything.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './iscsi-helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'splitstream-iscsi-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the command; resolves once its output matches `until` (or it exits), with a way to stop it. */
function start(args: string[], until: RegExp) {
  const p = spawn(process.execPath, ['bin/splitstream.js', 'iscsi', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  const ready = new Promise<void>((resolve) => {
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); if (until.test(out)) resolve(); });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    void exited.then(() => resolve());
  });
  return { p, ready, exited, out: () => out, err: () => err };
}

describe('splitstream iscsi', () => {
  it('prints its name, portal and LUN map; iscsi-ls finds it; SIGTERM stops it and the files stay', async () => {
    const dir = path.join(tmp, 'ok');
    const t = start(['--port', '0', '--dir', dir], /try: iscsi-ls/);
    await t.ready;
    const lines = t.out().split('\n');
    expect(lines[0]).toBe('iqn.2024-06.invalid.splitstream:splitstream-0001');
    const port = Number(lines[1]!.match(/on 127\.0\.0\.1:(\d+)/)?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(t.out()).toMatch(/LUN 0 {2}PVOL-601 +16384 × 4096 B {2}.*pvol-601\.img/);
    expect(t.out()).toMatch(/LUN 4 {2}TAPE-303 .*tape-303\.aws/);
    const ls = await run('iscsi-ls', [`iscsi://127.0.0.1:${port}`], 'libiscsi-bin');
    expect(ls.stdout).toContain(`Target:${lines[0]} Portal:127.0.0.1:${port},1`);
    t.p.kill('SIGTERM');
    expect(await t.exited).toBe(0);
    expect(t.out()).toContain(`stopped; the volumes and the tape are in ${dir}`);
    for (const f of ['pvol-601.img', 'svol-602.img', 'backup-disk.img', 'tape-303.aws']) expect(fs.existsSync(path.join(dir, f))).toBe(true);
    expect(fs.statSync(path.join(dir, 'pvol-601.img')).size).toBe(64 * 1024 * 1024);
  }, 60_000);

  it('refuses a folder that already holds volume files, changing nothing', async () => {
    const dir = path.join(tmp, 'taken');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'pvol-601.img'), 'keep me');
    const t = start(['--port', '0', '--dir', dir], /$^/);
    expect(await t.exited).toBe(2);
    expect(t.err()).toMatch(/pvol-601\.img already exist.*nothing was changed/);
    expect(fs.readFileSync(path.join(dir, 'pvol-601.img'), 'utf8')).toBe('keep me');
  }, 60_000);

  it.each([[['--port', 'x'], /--port needs a TCP port/], [['--nope', '1'], /unexpected argument --nope/], [['--dir'], /--dir needs a value/]])('refuses %j with usage', async (args, msg) => {
    const t = start(args, /$^/);
    expect(await t.exited).toBe(2);
    expect(t.err()).toMatch(msg);
    expect(t.err()).toContain('splitstream iscsi [--scenario');
  }, 60_000);
});
