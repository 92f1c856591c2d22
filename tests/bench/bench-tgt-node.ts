/**
 * Debian's userspace iSCSI target `tgtd` (package tgt) as the benchmark's peer: started in
 * the foreground on a free loopback port with its own control socket, one target with one
 * file-backed LU of the size and block size of ours, stopped (target deleted, daemon
 * asked to exit, then killed) when done. Node only; the benchmark's, not the tests'.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';

export interface Tgt {
  port: number;
  targetName: string;
  lun: number;
  stop(): Promise<void>;
}

/** A TCP port nobody listens on now (the system's choice, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts tgtd, or returns why it cannot run here (not installed, not permitted, …). */
export async function startTgt(dir: string, bytes: number, blockBytes: number): Promise<Tgt | string> {
  if (spawnSync('sh', ['-c', 'command -v tgtd && command -v tgtadm']).status !== 0) {
    return 'tgtd is not installed (Debian package tgt)';
  }
  const port = await freePort();
  // tgtd's control socket suffix, one per daemon; it takes values up to 32767.
  const ctl = String(1000 + (port % 30000));
  const child: ChildProcess = spawn('tgtd', ['-f', '-C', ctl, '--iscsi', `portal=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  let exited = false;
  child.on('exit', () => { exited = true; });
  const adm = (...args: string[]) => spawnSync('tgtadm', ['-C', ctl, ...args], { encoding: 'utf8' });
  // The daemon answers on its control socket once it is up (a condition, polled).
  for (let i = 0; i < 100 && !exited && adm('--op', 'show', '--mode', 'system').status !== 0; i++) await wait(50);
  if (exited || adm('--op', 'show', '--mode', 'system').status !== 0) {
    child.kill('SIGKILL');
    return `tgtd did not start: ${stderr.trim().split('\n').pop() ?? 'no message'}`;
  }
  const file = join(dir, 'tgt-lu.img');
  fs.writeFileSync(file, new Uint8Array(0));
  fs.truncateSync(file, bytes);
  const targetName = 'iqn.2024-06.invalid.splitstream:bench-tgt';
  const steps = [
    ['--lld', 'iscsi', '--op', 'new', '--mode', 'target', '--tid', '1', '-T', targetName],
    ['--lld', 'iscsi', '--op', 'new', '--mode', 'logicalunit', '--tid', '1', '--lun', '1', '-b', file, '--blocksize', String(blockBytes)],
    ['--lld', 'iscsi', '--op', 'bind', '--mode', 'target', '--tid', '1', '-I', 'ALL'],
  ];
  for (const s of steps) {
    const r = adm(...s);
    if (r.status !== 0) { child.kill('SIGKILL'); return `tgtadm ${s.slice(2, 6).join(' ')} failed: ${r.stderr.trim()}`; }
  }
  return {
    port, targetName, lun: 1,
    stop: async () => {
      adm('--lld', 'iscsi', '--op', 'delete', '--mode', 'target', '--tid', '1', '--force');
      adm('--op', 'delete', '--mode', 'system');
      for (let i = 0; i < 40 && !exited; i++) await wait(50);
      if (!exited) child.kill('SIGKILL');
      fs.rmSync(file, { force: true });
    },
  };
}
