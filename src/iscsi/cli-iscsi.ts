/**
 * `splitstream iscsi [--scenario f.json] [--host 127.0.0.1] [--port 3260] [--dir D]`
 * (Node only; docs/iscsi.md): starts the iSCSI target, prints its name, portal and LUN
 * map, and serves until SIGINT or SIGTERM, then closes its files cleanly.
 */
import type { Scenario } from '../scenario/schema.ts';
import { loadScenarioFile } from '../cli/scenario-file-node.ts';
import { ISCSI_DEFAULT_SCENARIO, startIscsiHost, type IscsiHost } from './iscsi-host.ts';

export interface IscsiArgs { scenarioPath?: string; host: string; port: number; dir?: string }

export class IscsiUsageError extends Error {}

export function parseIscsiArgs(args: string[]): IscsiArgs {
  const r: IscsiArgs = { host: '127.0.0.1', port: 3260 };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const v = args[++i];
    if (v === undefined || v === '') throw new IscsiUsageError(`${flag} needs a value`);
    switch (flag) {
      case '--scenario': r.scenarioPath = v; break;
      case '--host': r.host = v; break;
      case '--dir': r.dir = v; break;
      case '--port': {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new IscsiUsageError(`--port needs a TCP port 0–65535, got ${v}`);
        r.port = n;
        break;
      }
      default: throw new IscsiUsageError(`unexpected argument ${flag}`);
    }
  }
  return r;
}

/** The LUN map as printed at start (and in docs/iscsi.md). */
export function lunMap(h: IscsiHost): string {
  const rows: string[] = [];
  for (const lun of h.sim.target.luns()) {
    const lu = h.sim.target.lu(lun)!;
    const size = lu.kind === 'disk' ? ` ${lu.device.blocks} × ${lu.device.blockBytes} B` : '';
    const file = lu.kind === 'disk' ? fileOf(h, lu.id.product) : lu.kind === 'tape' ? `  ${h.files.tape}` : '';
    rows.push(`  LUN ${lun}  ${lu.id.product.padEnd(16)}${size}${file}`);
  }
  return rows.join('\n');
}

function fileOf(h: IscsiHost, product: string): string {
  if (product.startsWith('PVOL')) return `  ${h.files.pvol}`;
  if (product.startsWith('SVOL')) return `  ${h.files.svol}`;
  return `  ${h.files.backupDisk}`;
}

export async function iscsiCli(args: string[]): Promise<number> {
  const a = parseIscsiArgs(args);
  const scenario: Scenario = a.scenarioPath ? await loadScenarioFile(a.scenarioPath) : ISCSI_DEFAULT_SCENARIO;
  let h: IscsiHost;
  try {
    h = await startIscsiHost({ scenario, dir: a.dir, host: a.host, port: a.port });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new IscsiUsageError(`${a.host}:${a.port} is in use: choose another --port`);
    if (err.code === 'EACCES') throw new IscsiUsageError(`not allowed to listen on ${a.host}:${a.port}: choose another --port`);
    if (e instanceof Error && /already exist/.test(e.message)) throw new IscsiUsageError(e.message);
    throw e;
  }
  const host = h.address.includes(':') ? `[${h.address}]` : h.address;
  process.stdout.write(`${h.targetName}\n`);
  process.stdout.write(`splitstream iSCSI target on ${host}:${h.port} (scenario: ${scenario.name}; pair ${scenario.initial.pair}, mode ${scenario.mode})\n`);
  process.stdout.write(`${lunMap(h)}\n`);
  process.stdout.write(`  try: iscsi-ls -s iscsi://${host}:${h.port}   (Ctrl-C stops; the files stay in ${h.dir})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await h.close();
  process.stdout.write(`stopped; the volumes and the tape are in ${h.dir}\n`);
  return 0;
}
