/**
 * Strict scenario validation (docs/architecture.md#scenarios-and-permalinks: decoding
 * validates strictly with size caps). Missing fields take DEFAULT_SCENARIO's value; unknown
 * fields, wrong types and values past LIMITS throw ScenarioError naming the field, e.g.
 * `workload.rate: must be ≤ 100000`.
 */
import {
  ALL_MODES, DEFAULT_SCENARIO, DURABILITIES, E4_VIA, FAULT_KINDS, FAULT_PROCESSORS, LEVELS, LIMITS, PATTERNS, RESTORE_TARGETS,
  type BackupCmd, type Costs, type Fault, type Scenario, type ScriptCmd,
} from './schema.ts';

export class ScenarioError extends Error {
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'ScenarioError';
    this.field = field;
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, field: string, keys: readonly string[]): Obj {
  if (v === undefined) return {};
  if (!isObj(v)) throw new ScenarioError(field, 'must be an object');
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw new ScenarioError(field ? `${field}.${k}` : k, 'unknown field');
  }
  return v;
}

function num(v: unknown, field: string, dflt: number, min: number, max: number, int = false): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ScenarioError(field, 'must be a finite number');
  if (int && !Number.isInteger(v)) throw new ScenarioError(field, 'must be an integer');
  if (v < min) throw new ScenarioError(field, `must be ≥ ${min}`);
  if (v > max) throw new ScenarioError(field, `must be ≤ ${max}`);
  return v;
}

function pick<T extends string>(v: unknown, field: string, dflt: T, allowed: readonly T[]): T {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw new ScenarioError(field, `must be one of ${allowed.join(', ')}`);
  }
  return v as T;
}

const COST_KEYS = Object.keys(DEFAULT_SCENARIO.costs) as (keyof Costs)[];

export interface ValidateOptions {
  /** The runtime the scenario is for: a live run's volumes may be larger (LIMITS). Default: sim. */
  runtime?: 'sim' | 'live';
}

export function validateScenario(json: unknown, opts: ValidateOptions = {}): Scenario {
  const d = DEFAULT_SCENARIO;
  if (!isObj(json)) throw new ScenarioError('scenario', 'must be a JSON object');
  const top = obj(json, '', ['version', 'name', 'seed', 'mode', 'e4Via', 'durability', 'geometry', 'initial', 'workload', 'costs', 'script', 'faults']);
  if (top.version !== 1) throw new ScenarioError('version', 'must be 1');
  const name = top.name === undefined ? d.name : top.name;
  if (typeof name !== 'string' || name.length > 200) throw new ScenarioError('name', 'must be a string of at most 200 characters');

  const g = obj(top.geometry, 'geometry', ['blocks', 'blockBytes', 'cacheSlots']);
  // ≤ 32 KiB: a tape record (≤ 65535 bytes, LIMITS.maxTransferBytes) holds at least one block.
  const blockBytes = num(g.blockBytes, 'geometry.blockBytes', d.geometry.blockBytes, 512, 32768, true);
  if ((blockBytes & (blockBytes - 1)) !== 0) throw new ScenarioError('geometry.blockBytes', 'must be a power of two');
  const volumeCap = Math.min(LIMITS.maxBlocks, (opts.runtime === 'live' ? LIMITS.maxLiveVolumeBytes : LIMITS.maxVolumeBytes) / blockBytes);
  const blocks = num(g.blocks, 'geometry.blocks', d.geometry.blocks, 16, volumeCap, true);
  const cacheSlots = num(g.cacheSlots, 'geometry.cacheSlots', Math.min(d.geometry.cacheSlots, blocks), 16, LIMITS.maxCacheSlots, true);

  const i = obj(top.initial, 'initial', ['pair', 'pending', 'dirtyInCache']);
  const w = obj(top.workload, 'workload', ['pattern', 'rate', 'minBlocks', 'maxBlocks', 'hotFraction', 'hotWeight']);
  const minBlocks = num(w.minBlocks, 'workload.minBlocks', d.workload.minBlocks, 1, LIMITS.maxWriteBlocks, true);
  const maxBlocks = num(w.maxBlocks, 'workload.maxBlocks', Math.max(minBlocks, d.workload.maxBlocks), minBlocks, LIMITS.maxWriteBlocks, true);
  if (maxBlocks > blocks) throw new ScenarioError('workload.maxBlocks', `must be ≤ geometry.blocks (${blocks})`);
  // A write must fit the cache, or it could never be acknowledged.
  if (maxBlocks > cacheSlots) throw new ScenarioError('workload.maxBlocks', `must be ≤ geometry.cacheSlots (${cacheSlots})`);

  const c = obj(top.costs, 'costs', COST_KEYS);
  const costs = {} as Costs;
  for (const k of COST_KEYS) {
    const positive = k.endsWith('MBps') || k === 'pollMs';
    costs[k] = num(c[k], `costs.${k}`, d.costs[k], positive ? 1e-3 : 0, positive ? 1e6 : 1e4);
  }

  // The default script's tape unit follows this scenario's block size, not the default one.
  const scriptIn = top.script === undefined
    ? d.script.map((c) => (c.op === 'backup' ? { ...c, transferBlocks: undefined } : c))
    : top.script;
  if (!Array.isArray(scriptIn)) throw new ScenarioError('script', 'must be an array');
  if (scriptIn.length > LIMITS.maxScript) throw new ScenarioError('script', `must have ≤ ${LIMITS.maxScript} commands`);
  const script = scriptIn.map((cmd, k) => validateCmd(cmd, `script[${k}]`, blocks, blockBytes));
  if (top.faults !== undefined && !Array.isArray(top.faults)) throw new ScenarioError('faults', 'must be an array');
  const faultsIn = (top.faults ?? []) as unknown[];
  if (faultsIn.length > LIMITS.maxFaults) throw new ScenarioError('faults', `must have ≤ ${LIMITS.maxFaults} faults`);
  const faults = faultsIn.map((f, k) => validateFault(f, `faults[${k}]`, blocks));

  return {
    version: 1,
    name,
    seed: num(top.seed, 'seed', d.seed, 0, 0xffffffff, true),
    mode: pick(top.mode, 'mode', d.mode, ALL_MODES),
    e4Via: pick(top.e4Via, 'e4Via', d.e4Via, E4_VIA),
    durability: pick(top.durability, 'durability', d.durability, DURABILITIES),
    geometry: { blocks, blockBytes, cacheSlots },
    initial: {
      pair: pick(i.pair, 'initial.pair', d.initial.pair, ['simplex', 'duplex'] as const),
      pending: num(i.pending, 'initial.pending', d.initial.pending, 0, 1),
      dirtyInCache: num(i.dirtyInCache, 'initial.dirtyInCache', d.initial.dirtyInCache, 0, 1),
    },
    workload: {
      pattern: pick(w.pattern, 'workload.pattern', d.workload.pattern, PATTERNS),
      rate: num(w.rate, 'workload.rate', d.workload.rate, 0, LIMITS.maxRate),
      minBlocks,
      maxBlocks,
      hotFraction: num(w.hotFraction, 'workload.hotFraction', d.workload.hotFraction, 0.001, 1),
      hotWeight: num(w.hotWeight, 'workload.hotWeight', d.workload.hotWeight, 0, 1),
    },
    costs,
    script,
    ...(faults.length ? { faults } : {}),
  };
}

const FAULT_FIELDS: Record<Fault['kind'], string[]> = {
  'tape-write': ['block'], 'media-read': ['volume', 'lba'], 'svol-write': ['lba'], quota: [], worker: ['processor', 'downMs'],
};

function validateFault(v: unknown, field: string, blocks: number): Fault {
  if (!isObj(v)) throw new ScenarioError(field, 'must be an object');
  if (v.kind === undefined) throw new ScenarioError(`${field}.kind`, 'is required');
  const kind = pick(v.kind, `${field}.kind`, 'quota', FAULT_KINDS);
  obj(v, field, ['at', 'kind', ...FAULT_FIELDS[kind]]);
  const at = num(v.at, `${field}.at`, 0, 0, LIMITS.maxAtMs);
  const lba = (dflt?: number) => (v.lba === undefined && dflt === undefined ? undefined : num(v.lba, `${field}.lba`, dflt ?? 0, 0, blocks - 1, true));
  switch (kind) {
    case 'tape-write': return { at, kind, block: num(v.block, `${field}.block`, 0, 0, 0x7fffffff, true) };
    case 'media-read': {
      if (v.lba === undefined) throw new ScenarioError(`${field}.lba`, 'is required');
      return { at, kind, volume: pick(v.volume, `${field}.volume`, 'svol', ['pvol', 'svol'] as const), lba: lba()! };
    }
    case 'svol-write': {
      const l = lba();
      return l === undefined ? { at, kind } : { at, kind, lba: l };
    }
    case 'quota': return { at, kind };
    case 'worker': {
      if (v.processor === undefined) throw new ScenarioError(`${field}.processor`, 'is required');
      return {
        at, kind, processor: pick(v.processor, `${field}.processor`, '508', FAULT_PROCESSORS),
        downMs: num(v.downMs, `${field}.downMs`, 5, 0, LIMITS.maxDownMs),
      };
    }
  }
}

function validateCmd(v: unknown, field: string, blocks: number, blockBytes: number): ScriptCmd {
  if (!isObj(v)) throw new ScenarioError(field, 'must be an object');
  if (v.op === undefined) throw new ScenarioError(`${field}.op`, 'is required');
  const op = pick(v.op, `${field}.op`, 'split', ['create', 'split', 'resync', 'delete', 'backup', 'restore'] as const);
  const keys = op === 'backup' ? ['at', 'op', 'lba', 'blocks', 'transferBlocks', 'check', 'level']
    : op === 'restore' ? ['at', 'op', 'point', 'to'] : ['at', 'op'];
  obj(v, field, keys);
  const at = num(v.at, `${field}.at`, 0, 0, LIMITS.maxAtMs);
  if (op === 'restore') {
    return {
      at, op,
      point: num(v.point, `${field}.point`, 0, 0, LIMITS.maxScript - 1, true),
      to: pick(v.to, `${field}.to`, 'disk', RESTORE_TARGETS),
    };
  }
  if (op !== 'backup') return { at, op };
  const lba = num(v.lba, `${field}.lba`, 0, 0, blocks - 1, true);
  const n = num(v.blocks, `${field}.blocks`, 0, 0, blocks, true);
  if (lba + n > blocks) throw new ScenarioError(`${field}.blocks`, `range ends past the volume (${blocks} blocks)`);
  // A unit is one tape record (≤ 65535 bytes) and never more blocks than the volume has.
  const unit = (bytes: number) => Math.max(1, Math.min(blocks, Math.floor(bytes / blockBytes)));
  const cmd: BackupCmd = {
    at, op, lba, blocks: n,
    transferBlocks: num(v.transferBlocks, `${field}.transferBlocks`,
      unit(LIMITS.defaultTransferBytes), 1, unit(LIMITS.maxTransferBytes), true),
    check: pick(v.check, `${field}.check`, 'unit', ['unit', 'range'] as const),
  };
  if (v.level !== undefined) cmd.level = pick(v.level, `${field}.level`, 'full', LEVELS);
  return cmd;
}

/** CLI / UI overrides, re-validated (so `--blocks 10` fails with the field it broke). */
export interface Overrides {
  mode?: string;
  seed?: number;
  blocks?: number;
  pending?: number;
}

export function withOverrides(s: Scenario, o: Overrides): Scenario {
  const json: Scenario = structuredClone(s);
  if (o.mode !== undefined) json.mode = o.mode as Scenario['mode'];
  if (o.seed !== undefined) json.seed = o.seed;
  if (o.pending !== undefined) json.initial.pending = o.pending;
  if (o.blocks !== undefined) {
    json.geometry.blocks = o.blocks;
    // Keep the cache a similar share of the volume and ranges inside it.
    json.geometry.cacheSlots = Math.max(16, Math.min(json.geometry.cacheSlots, o.blocks));
    for (const c of json.script) if (c.op === 'backup' && c.lba + c.blocks > o.blocks) { c.lba = 0; c.blocks = 0; }
    for (const f of json.faults ?? []) if ('lba' in f && f.lba !== undefined && f.lba >= o.blocks) f.lba %= o.blocks;
  }
  return validateScenario(json);
}
