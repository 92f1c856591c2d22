/**
 * The Node command line over the sim runtime (docs/scenario.md#splitstream-run; Node-only,
 * so node:* is fine).
 *   splitstream run [scenario.json] [--mode M] [--seed N] [--blocks N] [--pending F]
 *                   [--compare] [--json] [--tape-out file.aws]
 *   splitstream scsi [--scenario f] [--tape-out f.aws]  SCSI wire session (src/scsi/wire.ts)
 *   splitstream iscsi [--scenario f] [--host H] [--port P] [--dir D]  iSCSI target (src/iscsi/)
 *   splitstream tape <file> [--json]    inspect an AWSTAPE image (src/devices/tape-cli-node.ts)
 * `run` exits 0 only if every run verified; 1 if one did not; 2 on a usage or scenario error.
 * --compare also runs the demonstration mode 'naive' (docs/patent.md#the-problem), which
 * is expected to fail the check: its row is shown, but only the other modes set the exit code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Core } from './core/core-api.ts';
import { createSharedMemory } from './core/memory.ts';
import { createSim, type RunResult } from './runtime/sim.ts';
import { faultOutcome } from './runtime/fault-outcome.ts';
import { ALL_MODES, DEFAULT_SCENARIO, DEMO_MODES, type Mode, type Scenario } from './scenario/schema.ts';
import { ScenarioError, validateScenario, withOverrides, type Overrides } from './scenario/validate.ts';

const USAGE = `usage:
  splitstream run [scenario.json] [--mode ${ALL_MODES.join('|')}] [--seed N] [--blocks N] [--pending F]
                  [--compare] [--json] [--tape-out file.aws]
  splitstream scsi [--scenario file.json] [--tape-out file.aws]
  splitstream iscsi [--scenario file.json] [--host 127.0.0.1] [--port 3260] [--dir D]
  splitstream tape <file.aws> [--json]`;

class UsageError extends Error {}

interface RunArgs { path?: string; o: Overrides; compare: boolean; json: boolean; tapeOut?: string }

export function parseRunArgs(args: string[]): RunArgs {
  const r: RunArgs = { o: {}, compare: false, json: false };
  const num = (flag: string, v: string | undefined, int: boolean): number => {
    const n = Number(v);
    if (v === undefined || v === '' || !Number.isFinite(n) || (int && !Number.isInteger(n))) {
      throw new UsageError(`${flag} needs ${int ? 'an integer' : 'a number'}, got ${v ?? 'nothing'}`);
    }
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    switch (a) {
      case '--mode': {
        const m = args[++i];
        if (!ALL_MODES.includes(m as Mode)) throw new UsageError(`--mode must be one of ${ALL_MODES.join(', ')}`);
        r.o.mode = m;
        break;
      }
      case '--seed': r.o.seed = num(a, args[++i], true); break;
      case '--blocks': r.o.blocks = num(a, args[++i], true); break;
      case '--pending': r.o.pending = num(a, args[++i], false); break;
      case '--compare': r.compare = true; break;
      case '--json': r.json = true; break;
      case '--tape-out': r.tapeOut = args[++i]; if (!r.tapeOut) throw new UsageError('--tape-out needs a file'); break;
      default:
        if (a.startsWith('-') || r.path) throw new UsageError(`unexpected argument ${a}`);
        r.path = a;
    }
  }
  if (r.compare && r.tapeOut) throw new UsageError('--tape-out takes one mode, not --compare');
  return r;
}

/** `splitstream scsi [--scenario file.json] [--tape-out file.aws]`. */
export function parseScsiArgs(args: string[]): { scenarioPath?: string; tapeOut?: string } {
  const r: { scenarioPath?: string; tapeOut?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const v = args[++i];
    if (flag !== '--scenario' && flag !== '--tape-out') throw new UsageError(`unexpected argument ${flag}`);
    if (!v) throw new UsageError(`${flag} needs a file`);
    if (flag === '--scenario') r.scenarioPath = v; else r.tapeOut = v;
  }
  return r;
}

/** The WASM core if it is built, else the TypeScript reference (same results, slower). */
async function loadCore(memory: WebAssembly.Memory): Promise<Core> {
  const { loadCoreOrReference } = await import('./core/load-node.ts');
  return loadCoreOrReference(memory, (why) => process.stderr.write(`splitstream: ${why}\n`));
}

const COLUMNS: [string, (r: RunResult) => string][] = [
  ['mode', (r) => r.mode],
  ['verified', (r) => String(r.verified)],
  ['splitAck ms', (r) => r.splitAckMs.toFixed(3)],
  ['backupDone ms', (r) => r.backupDoneMs.toFixed(3)],
  ['splitComplete ms', (r) => r.splitCompleteMs.toFixed(3)],
  ['pending', (r) => String(r.pendingAtSplit)],
  ['priority', (r) => String(r.priorityCopies)],
  ['cow', (r) => String(r.cowCopies)],
  ['staged', (r) => String(r.stagedFromPvol)],
  ['svolForBackup', (r) => String(r.svolWritesForBackup)],
  ['write p99 ms', (r) => r.writeLatencyMs.p99.toFixed(3)],
];

export function table(rs: RunResult[]): string {
  const rows = [COLUMNS.map(([h]) => h), ...rs.map((r) => COLUMNS.map(([, f]) => f(r)))];
  const w = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')).join('\n');
}

async function run(args: string[]): Promise<number> {
  const a = parseRunArgs(args);
  let base: Scenario = DEFAULT_SCENARIO;
  if (a.path) {
    let text: string;
    try { text = readFileSync(a.path, 'utf8'); } catch (e) {
      throw new UsageError(`cannot read ${a.path}: ${e instanceof Error ? e.message : e}`);
    }
    let json: unknown;
    try { json = JSON.parse(text); } catch (e) {
      throw new ScenarioError('scenario', `${a.path} is not JSON: ${e instanceof Error ? e.message : e}`);
    }
    base = validateScenario(json);
  }
  const s = withOverrides(base, a.o);
  const geometryBytes = s.geometry.blocks * s.geometry.blockBytes;
  const core = await loadCore(createSharedMemory(Math.max(1 << 20, geometryBytes / 4)));
  const modes: Mode[] = a.compare ? [...ALL_MODES] : [s.mode];
  const results: RunResult[] = [];
  for (const mode of modes) {
    const sim = createSim(s, { core, mode, invariants: true });
    const r = sim.runToEnd();
    results.push(r);
    if (a.tapeOut) writeFileSync(a.tapeOut, sim.tape.bytes());
    if (a.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  }
  if (!a.json) {
    process.stdout.write(`${s.name} — ${s.geometry.blocks} blocks × ${s.geometry.blockBytes} B, seed ${s.seed}, core ${core.kind}\n`);
    process.stdout.write(`${table(results)}\n`);
    for (const r of results) {
      for (const line of faultOutcome(r)) process.stdout.write(`${r.mode}: ${line}\n`);
      if (r.invariants && !r.invariants.ok) process.stdout.write(`${r.mode}: invariants violated: ${r.invariants.violations.join('; ')}\n`);
      for (const p of r.points ?? []) {
        process.stdout.write(`${r.mode}: restore point ${p.point} (${p.level}, tape file ${p.file}, ${p.blocks} blocks): ${p.verified ? 'verified from the tape' : `NOT verified: ${p.reason}`}\n`);
      }
      for (const x of r.restores ?? []) {
        process.stdout.write(`${r.mode}: restore of point ${x.point} to the ${x.to === 'disk' ? 'backup disk' : 'S-VOL'}: ${x.blocks} blocks written, ${x.verified ? 'verified' : `NOT verified: ${x.reason}`}\n`);
      }
      if (r.verified) continue;
      const demo = a.compare && DEMO_MODES.includes(r.mode) ? ' (expected: the prior art without the patent)' : '';
      process.stdout.write(`${r.mode}: NOT verified${demo}: ${r.reason}\n`);
    }
  }
  // In a comparison the demonstration's failure is its point, not an error of the run.
  const judged = a.compare ? results.filter((r) => !DEMO_MODES.includes(r.mode)) : results;
  return judged.every((r) => r.verified && r.invariants?.ok !== false) ? 0 : 1;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'run': return await run(rest);
      case 'scsi': {
        const a = parseScsiArgs(rest);
        const { runWire } = await import('./cli/wire.ts');
        await runWire({ ...a, input: process.stdin, output: process.stdout });
        return 0;
      }
      case 'iscsi': {
        const { iscsiCli, IscsiUsageError } = await import('./iscsi/cli-iscsi.ts');
        try {
          return await iscsiCli(rest);
        } catch (e) {
          if (e instanceof IscsiUsageError) throw new UsageError(e.message);
          throw e;
        }
      }
      case 'tape': {
        const { tapeCli } = await import('./devices/tape-cli-node.ts');
        return await tapeCli(rest);
      }
      case undefined: case 'help': case '--help': case '-h':
        process.stdout.write(`${USAGE}\n`);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${cmd}`);
    }
  } catch (e) {
    if (e instanceof UsageError) { process.stderr.write(`splitstream: ${e.message}\n${USAGE}\n`); return 2; }
    if (e instanceof ScenarioError) { process.stderr.write(`splitstream: invalid scenario: ${e.message}\n`); return 2; }
    throw e;
  }
}

// Only when run as the command (bin/splitstream.js imports this file), not when a test imports it.
if (process.argv[1] && /splitstream(\.js)?$|cli\.ts$/.test(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}
