// Shared setup for the iscsi-*.test.ts files: the iSCSI target of `splitstream iscsi`,
// started in the test's own process on an ephemeral port (the system picks it, so parallel
// runs never collide) with its files in a fresh folder; tools spawned asynchronously (the
// target answers them from this event loop) and awaited on their exit, never on a timer.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ISCSI_DEFAULT_SCENARIO, startIscsiHost, type IscsiHost } from '../../src/iscsi/iscsi-host.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { validateScenario } from '../../src/scenario/validate.ts';

/** The default scenario with the pair simplex: every disk LU is then a plain, writable disk. */
export function simplexScenario(blocks = 16384): Scenario {
  return validateScenario({
    ...structuredClone(ISCSI_DEFAULT_SCENARIO), name: 'iscsi tests: pair simplex',
    geometry: { ...ISCSI_DEFAULT_SCENARIO.geometry, blocks },
    initial: { pair: 'simplex', pending: 0, dirtyInCache: 0 },
    workload: { ...ISCSI_DEFAULT_SCENARIO.workload, rate: 0 },
    script: [],
  });
}

export async function startTarget(scenario: Scenario = ISCSI_DEFAULT_SCENARIO): Promise<IscsiHost & { url: (lun: number) => string; portal: string; cleanup: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'splitstream-iscsi-test-'));
  const h = await startIscsiHost({ scenario, dir, port: 0, warn: () => {} });
  const portal = `127.0.0.1:${h.port}`;
  return {
    ...h, portal,
    url: (lun) => `iscsi://${portal}/${h.targetName}/${lun}`,
    cleanup: async () => { await h.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

export interface Run { code: number | null; stdout: string; stderr: string }

/**
 * Runs a tool to its exit without blocking this process's event loop. A missing tool is
 * an error naming the Debian package (.ci/run installs them), never a skip.
 */
export function run(cmd: string, args: string[], pkg: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new Error(`${cmd} not found: install Debian's ${pkg} (apt-get install ${pkg})`) : e);
    });
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
