/**
 * The iSCSI series of `npm run bench` (docs/iscsi.md#throughput): MB/s (10^6 bytes per
 * second) over loopback of a READ(16) and a WRITE(16) loop — 64 KiB commands, 16 in flight,
 * the whole 64 MiB LU per run — by the TypeScript initiator (src/iscsi/initiator.ts), and of
 * libiscsi's iscsi-perf (reads, 32 in flight), against three LUs measured rep by rep in
 * turn: this target's backup disk (a plain file, like tgt's LU), its P-VOL (every write
 * through 501 and the duplex pair's differential), and Debian's tgtd on a file LU of the
 * same size and block size, started here. Both targets run in processes of their own
 * (ours as `splitstream iscsi`), the initiator in this one. A target that cannot run is
 * reported skipped with the reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IscsiInitiator } from '../../src/iscsi/initiator.ts';
import { rwCdb } from '../../src/scsi/cdb.ts';
import { LUN } from '../../src/scsi/lu-layout.ts';
import type { Figure } from './bench-measure.ts';
import type { BenchOptions } from './bench-plan.ts';
import { summarize } from './bench-stats.ts';
import { startTgt, type Tgt } from './bench-tgt-node.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const IO_BYTES = 64 * 1024;
export const DEPTH = 16;
const LU_BYTES = 64 * 1024 * 1024;
const BLOCK = 4096;

export interface IscsiMeasured {
  figures: Record<string, Figure>;
  skipped: { what: string; why: string }[];
  errors: string[];
}

interface Lu { key: string; label: string; port: number; target: string; lun: number }

/** `splitstream iscsi` in a child process, its port read from its first lines. */
async function startOurs(dir: string): Promise<{ port: number; target: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['bin/splitstream.js', 'iscsi', '--port', '0', '--dir', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/^(\S+)\n.*on 127\.0\.0\.1:(\d+)/);
      if (m) resolve({ target: m[1]!, port: Number(m[2]), child });
    });
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('exit', (code) => reject(new Error(`splitstream iscsi exited ${code}: ${out.trim()}`)));
  });
}

/** MB/s of `op` over the whole LU: DEPTH commands in flight, sequential 64 KiB pieces. */
export async function loop(lu: Lu, op: 'READ' | 'WRITE', bytes = LU_BYTES): Promise<number> {
  const ini = await IscsiInitiator.connect({ host: '127.0.0.1', port: lu.port, targetName: lu.target, initiatorName: 'iqn.2024-06.invalid.splitstream:bench' });
  // A fresh nexus may first get UNIT ATTENTION (tgtd reports its power-on): TEST UNIT
  // READY clears it, as initiators do before their first I/O.
  for (let i = 0; i < 4 && (await ini.command(lu.lun, new Uint8Array(6))).status !== 'GOOD'; i++) { /* retry */ }
  const blocks = IO_BYTES / BLOCK;
  const data = new Uint8Array(IO_BYTES).map((_, i) => i & 0xff);
  let next = 0;
  const count = bytes / IO_BYTES;
  const worker = async () => {
    while (next < count) {
      const lba = (next++ * blocks) % (LU_BYTES / BLOCK);
      const r = await ini.command(lu.lun, rwCdb(op, lba, blocks, 16), op === 'WRITE' ? { dataOut: data } : { readLength: IO_BYTES });
      if (r.status !== 'GOOD') throw new Error(`${op}(16) at ${lba}: ${r.status}`);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: DEPTH }, worker));
  const ms = performance.now() - t0;
  await ini.logout();
  return bytes / (ms * 1000);
}

/** libiscsi's iscsi-perf: reads for `seconds`, its average IOPS × the request size. */
function iscsiPerf(lu: Lu, seconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn('iscsi-perf', ['-t', String(seconds), '-m', '32', '-b', String(IO_BYTES / BLOCK), `iscsi://127.0.0.1:${lu.port}/${lu.target}/${lu.lun}`]);
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('error', reject);
    p.on('close', () => {
      const all = [...out.matchAll(/iops average (\d+)/g)];
      const iops = Number(all.at(-1)?.[1]);
      if (Number.isFinite(iops) && iops > 0) resolve((iops * IO_BYTES) / 1e6);
      else reject(new Error(`iscsi-perf: no figure in ${out.slice(-200)}`));
    });
  });
}

export async function measureIscsi(o: BenchOptions, log: (s: string) => void): Promise<IscsiMeasured> {
  const m: IscsiMeasured = { figures: {}, skipped: [], errors: [] };
  const dir = fs.mkdtempSync(join(tmpdir(), 'splitstream-bench-iscsi-'));
  const samples = new Map<string, number[]>();
  const add = (k: string, v: number) => { if (!samples.has(k)) samples.set(k, []); samples.get(k)!.push(v); };
  let ours: Awaited<ReturnType<typeof startOurs>> | null = null;
  let tgt: Tgt | string = 'not started';
  try {
    log('iscsi: splitstream iscsi and tgtd on loopback, 64 MiB LUs of 4 KiB blocks');
    ours = await startOurs(join(dir, 'ours'));
    fs.mkdirSync(join(dir, 'tgt'));
    tgt = await startTgt(join(dir, 'tgt'), LU_BYTES, BLOCK);
    if (typeof tgt === 'string') { m.skipped.push({ what: 'iscsi tgt', why: tgt }); log(`  tgt skipped: ${tgt}`); }
    const lus: Lu[] = [
      { key: 'splitstream.disk', label: 'splitstream backup disk (LUN 5, a file)', port: ours.port, target: ours.target, lun: LUN.BACKUP_DISK },
      { key: 'splitstream.pvol', label: 'splitstream P-VOL (LUN 0, through 501, pair duplex)', port: ours.port, target: ours.target, lun: LUN.PVOL },
      ...(typeof tgt === 'string' ? [] : [{ key: 'tgt', label: 'tgtd 1.0.85 (a file LU)', port: tgt.port, target: tgt.targetName, lun: tgt.lun }]),
    ];
    const reps = o.smoke ? 1 : Math.max(1, Math.min(o.reps, 5));
    for (let rep = 0; rep < reps; rep++) {
      for (const lu of lus) {
        for (const op of ['WRITE', 'READ'] as const) {
          try { add(`${lu.key}.${op.toLowerCase()}16MBps`, await loop(lu, op)); } catch (e) { m.errors.push(`iscsi ${lu.key} ${op} rep ${rep + 1}: ${(e as Error).message}`); }
        }
        if (lu.key !== 'splitstream.pvol') {
          try { add(`${lu.key}.iscsiPerfReadMBps`, await iscsiPerf(lu, o.smoke ? 1 : 3)); } catch (e) { m.errors.push(`iscsi-perf ${lu.key} rep ${rep + 1}: ${(e as Error).message}`); }
        }
      }
      // Side by side in this rep: ours against tgt on the same loop.
      for (const f of ['read16MBps', 'write16MBps', 'iscsiPerfReadMBps']) {
        const a = samples.get(`splitstream.disk.${f}`)?.[rep], b = samples.get(`tgt.${f}`)?.[rep];
        if (a !== undefined && b !== undefined) add(`ratio.${f}`, a / b);
      }
      log(`  rep ${rep + 1}/${reps} done`);
    }
    const label = (k: string) => {
      const [who, what] = [k.slice(0, k.lastIndexOf('.')), k.slice(k.lastIndexOf('.') + 1)];
      const lu = lus.find((l) => l.key === who);
      const op = what === 'iscsiPerfReadMBps' ? 'iscsi-perf reads (64 KiB, 32 in flight)'
        : `${what.startsWith('read') ? 'READ' : 'WRITE'}(16) loop (64 KiB, ${DEPTH} in flight)`;
      return who === 'ratio' ? `splitstream backup disk ÷ tgt, ${op}, per rep` : `${lu?.label ?? who}: ${op}`;
    };
    for (const [k, v] of samples) m.figures[`iscsi.${k}`] = { label: label(k), unit: k.startsWith('ratio') ? '×' : 'MB/s', ...summarize(v) };
  } catch (e) {
    m.errors.push(`iscsi: ${(e as Error).message}`);
  } finally {
    if (typeof tgt !== 'string') await tgt.stop();
    if (ours) { ours.child.kill('SIGTERM'); await new Promise((r) => ours!.child.once('exit', r)); }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return m;
}
