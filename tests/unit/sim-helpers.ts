// Shared setup for the sim tests: one WASM core per test file (the sim lays 507 out in it).
import type { Core } from '../../src/core/core-api.ts';
import { createSharedMemory } from '../../src/core/memory.ts';
import { loadCoreNode } from '../../src/core/load-node.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario/schema.ts';
import { validateScenario } from '../../src/scenario/validate.ts';

export function coreForTests(): Promise<Core> {
  return loadCoreNode(createSharedMemory(1 << 20));
}

/** A small scenario (fast), with fields overridden; always validated. */
export function small(over: Record<string, unknown> = {}): Scenario {
  const json = structuredClone(DEFAULT_SCENARIO) as unknown as Record<string, unknown>;
  json.geometry = { blocks: 256, blockBytes: 512, cacheSlots: 64 };
  json.workload = { pattern: 'uniform', rate: 20000, minBlocks: 1, maxBlocks: 4, hotFraction: 0.1, hotWeight: 0.9 };
  json.initial = { pair: 'duplex', pending: 0.3, dirtyInCache: 0.3 };
  json.script = [{ at: 0.5, op: 'split' }, { at: 0.5, op: 'backup', lba: 0, blocks: 0, transferBlocks: 8, check: 'unit' }];
  return validateScenario({ ...json, ...over });
}
