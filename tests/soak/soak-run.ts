/**
 * `npm run soak -- --runs N [--seed S] [--json]` (docs/scenario.md#the-soak): randomized
 * small scenarios in every mode, with random faults of every kind and, in some runs, one
 * more I/O failing at random, run in the sim; each run is judged by the oracle and the
 * invariants (src/runtime/sim-invariants.ts). Run k's scenario comes from its own seed,
 * hash32(S, k), so any run replays alone (`--replay <run seed>`).
 */
import type { Core } from '../../src/core/core-api.ts';
import { Prng, hash32 } from '../../src/core/prng.ts';
import { DeviceError } from '../../src/devices/block-device.ts';
import { failNth } from '../../src/devices/faults.ts';
import { createSim } from '../../src/runtime/sim.ts';
import { FAULT_KINDS, FAULT_PROCESSORS, MODES, type Fault, type Mode, type Scenario } from '../../src/scenario/schema.ts';
import { validateScenario } from '../../src/scenario/validate.ts';

export interface SoakRun {
  runSeed: number;
  mode: Mode;
  faults: Fault['kind'][];
  /** The extra I/O failed at random (`io`), if any. */
  io: boolean;
  violations: string[];
}

export interface SoakSummary {
  runs: number;
  seed: number;
  modes: Record<string, number>;
  /** Faults injected, per kind; `io`: runs with one more I/O failing at random. */
  faults: Record<string, number>;
  /** Runs with at least one violation. */
  violations: number;
  /** Backups that completed (each verified by the oracle) and that failed, over all runs. */
  backups: { done: number; failed: number; refused: number };
  firstFailure?: { runSeed: number; mode: Mode; violations: string[]; replay: string };
  ms: number;
}

/** A random small scenario (fast to run) with random faults, from one seed. */
export function soakScenario(runSeed: number): Scenario {
  const r = new Prng(runSeed);
  const pick = <T>(xs: readonly T[]): T => xs[r.int(xs.length)]!;
  const blocks = 32 + r.int(480);
  const blockBytes = pick([512, 1024, 4096]);
  const cacheSlots = 16 + r.int(Math.max(1, Math.min(blocks, 128) - 15));
  const maxBlocks = 1 + r.int(Math.min(8, cacheSlots));
  const unitMax = Math.max(1, Math.min(blocks, Math.floor(65535 / blockBytes)));
  const t = () => Math.round(r.float() * 3 * 1000) / 1000;
  const backup = () => {
    const lba = r.int(blocks);
    return { at: t(), op: 'backup', lba, blocks: r.int(blocks - lba + 1), transferBlocks: 1 + r.int(unitMax), check: pick(['unit', 'unit', 'range']) };
  };
  const simplex = r.float() < 0.15;
  const script: object[] = [...(simplex ? [{ at: 0, op: 'create' }] : []), { at: t(), op: 'split' }, backup()];
  if (r.float() < 0.5) script.push({ at: t(), op: 'resync' }, { at: t(), op: 'split' }, backup());
  const faults: object[] = [];
  for (let n = r.int(4); n > 0; n--) {
    const kind = pick(FAULT_KINDS);
    const at = t();
    if (kind === 'tape-write') faults.push({ at, kind, block: r.int(2 * Math.ceil(blocks / unitMax) + 1) });
    else if (kind === 'media-read') faults.push({ at, kind, volume: pick(['pvol', 'svol']), lba: r.int(blocks) });
    else if (kind === 'svol-write') faults.push(r.float() < 0.5 ? { at, kind } : { at, kind, lba: r.int(blocks) });
    else if (kind === 'quota') faults.push({ at: at + 1, kind });
    else faults.push({ at, kind, processor: pick(FAULT_PROCESSORS), downMs: Math.round(r.float() * 2000) / 1000 });
  }
  return validateScenario({
    version: 1, name: `soak ${runSeed}`, seed: runSeed, mode: pick(MODES), e4Via: pick(['E1', 'E2', 'E3']),
    geometry: { blocks, blockBytes, cacheSlots },
    initial: { pair: simplex ? 'simplex' : 'duplex', pending: r.float(), dirtyInCache: r.float() },
    workload: {
      pattern: pick(['uniform', 'hotspot', 'sequential']), rate: r.float() < 0.1 ? 0 : 1000 + r.int(30000),
      minBlocks: 1, maxBlocks, hotFraction: 0.05 + r.float() * 0.5, hotWeight: r.float(),
    },
    script,
    faults,
  });
}

/** One run: the scenario of `runSeed` in its mode, maybe with one more I/O failing. */
export function soakOne(core: Core, runSeed: number): SoakRun & { backups: { status: string }[] } {
  const s = soakScenario(runSeed);
  const r = new Prng(hash32(runSeed, 0x10));
  const io = r.float() < 0.3;
  const f = failNth(io ? r.int(400) : -1, (x) => new DeviceError(x.device, x.op === 'tapemark' ? 'write' : x.op, x.lba, 'injected I/O error'));
  const base = { runSeed, mode: s.mode, faults: (s.faults ?? []).map((x) => x.kind), io };
  try {
    const res = createSim(s, { core, inject: f.inject, serveInline: r.float() < 0.3, maxSteps: 2_000_000, invariants: true }).runToEnd();
    return { ...base, violations: res.invariants?.violations ?? ['no invariants reported'], backups: res.backups };
  } catch (e) {
    return { ...base, violations: [`the sim threw: ${e instanceof Error ? e.message : String(e)}`], backups: [] };
  }
}

export function soak(core: Core, runs: number, seed: number, onRun?: (r: SoakRun, k: number) => void): SoakSummary {
  const t0 = performance.now();
  const sum: SoakSummary = {
    runs: 0, seed, modes: Object.fromEntries(MODES.map((m) => [m, 0])),
    faults: Object.fromEntries([...FAULT_KINDS, 'io'].map((k) => [k, 0])), violations: 0,
    backups: { done: 0, failed: 0, refused: 0 }, ms: 0,
  };
  for (let k = 0; k < runs; k++) {
    const runSeed = hash32(seed, k);
    const r = soakOne(core, runSeed);
    sum.runs++;
    sum.modes[r.mode]++;
    for (const f of r.faults) sum.faults[f]++;
    if (r.io) sum.faults.io++;
    for (const b of r.backups) if (b.status === 'done' || b.status === 'failed' || b.status === 'refused') sum.backups[b.status]++;
    if (r.violations.length) {
      sum.violations++;
      sum.firstFailure ??= { runSeed, mode: r.mode, violations: r.violations, replay: `npm run soak -- --replay ${runSeed}` };
    }
    onRun?.(r, k);
  }
  sum.ms = Math.round(performance.now() - t0);
  return sum;
}

export function formatSummary(s: SoakSummary): string[] {
  const kv = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ');
  const lines = [
    `soak: ${s.runs} runs from seed ${s.seed} in ${(s.ms / 1000).toFixed(1)} s`,
    `modes: ${kv(s.modes)}`,
    `faults: ${kv(s.faults)}`,
    `backups: ${s.backups.done} completed (each verified), ${s.backups.failed} failed, ${s.backups.refused} refused`,
    `violations: ${s.violations}`,
  ];
  if (s.firstFailure) {
    lines.push(`first failing run: seed ${s.firstFailure.runSeed} (${s.firstFailure.mode}): ${s.firstFailure.violations.join('; ')}`);
    lines.push(`replay: ${s.firstFailure.replay}`);
  }
  return lines;
}
