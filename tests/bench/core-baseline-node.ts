/**
 * Node-only: compiles core-baseline.c with gcc -O2 into a temporary directory and runs it.
 * Without gcc (or if it fails) the baseline is null and the bench says why; it never fails.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CBaseline { scanGBps: number; memcpyGBps: number }

export function runCBaseline(): { result: CBaseline | null; note: string } {
  const dir = mkdtempSync(join(tmpdir(), 'splitstream-bench-'));
  try {
    const src = fileURLToPath(new URL('./core-baseline.c', import.meta.url));
    const exe = join(dir, 'core-baseline');
    try {
      execFileSync('gcc', ['-O2', '-o', exe, src], { stdio: 'pipe' });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
      return { result: null, note: err.code === 'ENOENT' ? 'gcc not found: C ratios are null' : `gcc failed: ${err.stderr ?? err.message}` };
    }
    const out = JSON.parse(execFileSync(exe, { encoding: 'utf8' })) as CBaseline;
    return { result: { scanGBps: out.scanGBps, memcpyGBps: out.memcpyGBps }, note: 'gcc -O2' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
