/**
 * The sim runtime in a module worker, exposed with Comlink (the control plane,
 * docs/architecture.md#concurrency; one exposed object with one exported type, as in
 * Squoosh's workers). The page
 * never runs the sim, so it never blocks.
 *
 * Seeking is a deterministic re-run (same scenario and seed, same timeline,
 * docs/architecture.md#one-controller-two-runtimes): a sim positioned at time t0 runs
 * forward to any t ≥ t0; an earlier t starts a fresh sim from 0. Each sim gets its own core
 * and memory ("one sim at a time per Core", src/runtime/sim.ts).
 */
import { expose } from 'comlink';
import { createSim, type Sim, type Snapshot } from '../../src/runtime/sim.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { ALL_MODES, type Mode, type Scenario } from '../../src/scenario/schema.ts';
import type { Core } from '../../src/core/core-api.ts';
import type { SimEvent } from '../../src/array/events.ts';
import { loadCoreModule } from '../../src/core/load-web.ts';
import { instantiateCore } from '../../src/core/wasm-core.ts';
import { createRefCore } from '../../src/core/reference.ts';
import { createSharedMemory, MAXIMUM_PAGES } from '../../src/core/memory.ts';
import { digestOf, frameOf, resultOf, seriesOf, tapeOf } from './frame-adapter.ts';
import { exchangeOf, type TapeFacts } from './exchange.ts';
import { keyMoment } from './key-moments.ts';
import { bytesSource } from '../../src/devices/awstape.ts';
import { readCatalog } from '../../src/devices/tape-catalog.ts';
import { TapeIndex } from '../../src/devices/tape-index.ts';
import type { ExchangeView, FrameView, ResultView, RunView } from './view-model.ts';

/** Chart resolution: snapshots per run. */
const SAMPLES = 160;

let wasm: WebAssembly.Module | null | undefined;

/** A fresh core: the WASM core over shared memory when this page is isolated, else the
 * TypeScript reference over plain memory (same results, tested by the core's own suite). */
async function newCore(): Promise<Core> {
  if (wasm === undefined) {
    try {
      wasm = crossOriginIsolated ? await loadCoreModule() : null;
    } catch {
      wasm = null;
    }
  }
  if (wasm) return instantiateCore(wasm, createSharedMemory(65536));
  return createRefCore(new WebAssembly.Memory({ initial: 1, maximum: MAXIMUM_PAGES }));
}

let scenario: Scenario | null = null;
/**
 * The uploaded P-VOL image, or null for the seeded content. Its buffer was
 * transferred here from the page (Comlink.transfer), not copied; every sim of this worker
 * starts from it (createSim copies it into its own P-VOL and hands it to the oracle).
 */
let image: Uint8Array | null = null;
let endT = 0;
/** The whole run's event log, for finding a command's answer. */
let events: readonly SimEvent[] = [];
/** The run's tape as a restore's bytes need it (its catalog). */
let tapeFacts: TapeFacts | undefined;

function factsOf(image: Uint8Array): TapeFacts | undefined {
  try {
    return { catalog: readCatalog(new TapeIndex(bytesSource(image))).catalog };
  } catch {
    return undefined; // a malformed tape: the restore's view says it has no lists
  }
}

/**
 * Seek cursors: a few sims left at different times, so scrubbing back and forth mostly
 * resumes one that is just behind the target instead of replaying from 0 (Raft Scope's
 * checkpoints, without cloning a sim). Bounded by memory: each holds both volumes.
 */
let cursors: Sim[] = [];
const POOL_BYTES = 96 * 1024 * 1024;

async function simAt(t: number): Promise<Sim> {
  if (!scenario) throw new Error('open a scenario first');
  const { blocks, blockBytes } = scenario.geometry;
  const poolSize = Math.max(1, Math.min(3, Math.floor(POOL_BYTES / (2 * blocks * blockBytes))));
  let best = -1;
  cursors.forEach((c, i) => { if (c.now <= t && (best < 0 || c.now > cursors[best].now)) best = i; });
  let sim: Sim;
  if (best >= 0) {
    sim = cursors.splice(best, 1)[0];
  } else {
    const img = image ?? undefined;
    sim = createSim(scenario, { core: await newCore(), initialImage: img });
    if (cursors.length >= poolSize) cursors.shift(); // least recently used
  }
  cursors.push(sim);
  sim.runUntil(t);
  return sim;
}

/** The result with its mode's key moment (key-moments.ts), found in the run's own log. */
function withMoment(r: ResultView, log: readonly SimEvent[]): ResultView {
  const k = keyMoment(r.mode as Mode, log);
  return { ...r, keyMoment: k && { t: k.t, title: k.title } };
}

const service = {
  /** Starts every later run from these bytes (transferred), or from the seeded content (null). */
  setImage(buf: ArrayBuffer | null): number {
    image = buf ? new Uint8Array(buf) : null;
    cursors = [];
    return image?.byteLength ?? 0;
  },

  /** Validates and runs the scenario to its end: the event log, result, tape and charts. */
  async open(json: unknown): Promise<RunView> {
    const s = validateScenario(json);
    scenario = s;
    cursors = [];
    // One pass gives the log, the result and the chart samples: a snapshot every `dt` ms
    // of virtual time, and when there are too many, every other one is dropped and dt
    // doubles, so a run of any length gives at most 2·SAMPLES points.
    const img = image ?? undefined; // read before any await: a later setImage is a later run's
    const whole = createSim(s, { core: await newCore(), initialImage: img });
    let samples: Snapshot[] = [whole.snapshot()];
    let dt = 0.25;
    let next = dt;
    while (whole.step()) {
      if (whole.now < next) continue;
      samples.push(whole.snapshot());
      while (next <= whole.now) next += dt;
      if (samples.length > 2 * SAMPLES) {
        samples = samples.filter((_, i) => i % 2 === 0);
        dt *= 2;
        next = samples[samples.length - 1].t + dt;
      }
    }
    const r = whole.runToEnd();
    endT = whole.now;
    samples.push(whole.snapshot());
    events = whole.events.slice();
    const tape = whole.tape.bytes();
    tapeFacts = factsOf(tape);
    return { events: events.slice(), endT, series: seriesOf(samples), result: withMoment(resultOf(r), events), tape: tapeOf(tape, r), digest: digestOf(events) };
  },

  /** The state at time t (ms) of the open scenario. */
  async frameAt(t: number): Promise<FrameView> {
    const sim = await simAt(Math.max(0, Math.min(endT, t)));
    return frameOf(sim.snapshot(), scenario!);
  },

  /** Script command `index` on the wire, or with index -1 a poll (RECEIVE COPY RESULTS) at t. */
  async exchange(index: number, t: number): Promise<ExchangeView | null> {
    if (!scenario) return null;
    const snap = index < 0 ? (await simAt(Math.max(0, Math.min(endT, t)))).snapshot() : null;
    return exchangeOf(scenario, index, t, snap, events, tapeFacts);
  },

  /** The same scenario in every mode, the naive demonstration last. */
  async compare(json: unknown, buf: ArrayBuffer | null = null): Promise<ResultView[]> {
    const s = validateScenario(json);
    const initialImage = buf ? new Uint8Array(buf) : undefined;
    const rows: ResultView[] = [];
    for (const mode of ALL_MODES) {
      const sim = createSim(s, { core: await newCore(), mode, initialImage });
      rows.push(withMoment(resultOf(sim.runToEnd()), sim.events));
    }
    return rows;
  },
};

export type SimService = typeof service;
expose(service);
