/**
 * `npx splitstream scsi [--scenario file.json]`: the JSON-lines wire on stdin/stdout
 * (protocol in wire-session.ts and docs/scsi.md#the-wire), answering from the
 * controller in the sim runtime (sim-target.ts). No node:* import here: streams come in as
 * arguments, and the scenario file, the tape file and the WASM core go through Node-only
 * modules imported only when runWire needs them.
 */
import type { Core } from '../core/core-api.ts';
import { createSharedMemory } from '../core/memory.ts';
import { createRefCore } from '../core/reference.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../scenario/schema.ts';
import { createSimTarget } from '../runtime/sim-target.ts';
import { WireSession } from '../scsi/wire-session.ts';

export interface WireOptions {
  scenarioPath?: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** The core to lay 507 out in (default: the WASM core if built, else the reference). */
  core?: Core;
  /** When the input ends, write the tape 303's AWSTAPE image here (for hetget, tapemap). */
  tapeOut?: string;
}

/** The wire's scenario: the file's, or the default; the sim's script and workload never run. */
async function scenarioOf(path?: string): Promise<Scenario> {
  if (!path) return DEFAULT_SCENARIO;
  return (await import('./scenario-file-node.ts')).loadScenarioFile(path);
}

async function defaultCore(): Promise<Core> {
  const memory = createSharedMemory(1 << 20); // 507 grows it to the scenario's layout
  try {
    return await (await import('../core/load-node.ts')).loadCoreNode(memory);
  } catch {
    return createRefCore(memory); // same results, slower (src/core/reference.ts)
  }
}

export async function runWire(opts: WireOptions): Promise<void> {
  const scenario = await scenarioOf(opts.scenarioPath);
  const host = createSimTarget(scenario, { core: opts.core ?? await defaultCore() });
  const session = new WireSession(host);
  const write = (lines: string[]) => { for (const l of lines) opts.output.write(`${l}\n`); };
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    opts.input.on('data', (chunk: Buffer | string) => {
      buffered += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        write(session.handleLine(line));
      }
    });
    opts.input.on('end', () => { write(session.handleLine(buffered)); resolve(); });
    opts.input.on('error', reject);
  });
  if (opts.tapeOut) {
    await (await import('./tape-file-node.ts')).writeTapeFile(opts.tapeOut, host.host.sim.tape.bytes());
  }
}
