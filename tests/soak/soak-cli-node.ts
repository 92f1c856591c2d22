/**
 * The soak's command line (bin/soak.js): `--runs N` (default 100), `--seed S` (default 1),
 * `--json` (the summary as one JSON object), `--replay <run seed>` (one run: its scenario
 * as JSON, then its violations). Exit 0 when no run violated an invariant, 1 when one did,
 * 2 for a bad flag.
 */
import { createSharedMemory } from '../../src/core/memory.ts';
import { loadCoreNode } from '../../src/core/load-node.ts';
import { formatSummary, soak, soakOne, soakScenario } from './soak-run.ts';

const USAGE = 'usage: npm run soak -- [--runs N] [--seed S] [--json] | --replay RUNSEED';

function parse(args: string[]): { runs: number; seed: number; json: boolean; replay?: number } {
  const o: { runs: number; seed: number; json: boolean; replay?: number } = { runs: 100, seed: 1, json: false };
  const int = (flag: string, v: string | undefined, max: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0 || n > max) throw new Error(`${flag} needs an integer 0..${max}, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--runs') o.runs = int(a, args[++i], 10_000_000);
    else if (a === '--seed') o.seed = int(a, args[++i], 0xffffffff);
    else if (a === '--replay') o.replay = int(a, args[++i], 0xffffffff);
    else if (a === '--json') o.json = true;
    else throw new Error(`unexpected argument ${a}`);
  }
  return o;
}

async function main(): Promise<number> {
  let o: ReturnType<typeof parse>;
  try { o = parse(process.argv.slice(2)); } catch (e) {
    process.stderr.write(`soak: ${e instanceof Error ? e.message : e}\n${USAGE}\n`);
    return 2;
  }
  const core = await loadCoreNode(createSharedMemory(1 << 20));
  if (o.replay !== undefined) {
    process.stdout.write(`${JSON.stringify(soakScenario(o.replay), null, 2)}\n`);
    const r = soakOne(core, o.replay);
    process.stdout.write(`${r.mode}, faults: ${r.faults.join(', ') || 'none'}${r.io ? ', one I/O failing at random' : ''}\n`);
    process.stdout.write(r.violations.length ? `violations:\n${r.violations.map((v) => `  ${v}`).join('\n')}\n` : 'no violation\n');
    return r.violations.length ? 1 : 0;
  }
  const every = Math.max(1, Math.floor(o.runs / 10));
  const s = soak(core, o.runs, o.seed, o.json ? undefined : (_, k) => {
    if ((k + 1) % every === 0 && k + 1 < o.runs) process.stderr.write(`soak: ${k + 1} of ${o.runs} runs\n`);
  });
  if (o.json) process.stdout.write(`${JSON.stringify(s)}\n`);
  else for (const line of formatSummary(s)) process.stdout.write(`${line}\n`);
  return s.violations ? 1 : 0;
}

process.exitCode = await main();
