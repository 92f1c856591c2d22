/**
 * `npx splitstream scsi [--scenario file.json]`: the JSON-lines wire on stdin/stdout
 * (issue 5; protocol in wire-session.ts and docs/scsi.md "The wire"). No node:* import
 * here: streams come in as arguments, and the scenario file is read by a *-node.ts module
 * loaded only when a path is given.
 *
 * The array behind the wire is the standalone one (standalone.ts: memory volumes with the
 * scenario's geometry, a SyncPair, the DirectEngine, an AWSTAPE image) until the sim
 * runtime exposes a controller host; array-lus.ts then binds the same LUNs to it.
 */
import { AwsTapeWriter } from '../devices/awstape.ts';
import { MemoryBlockDevice } from '../devices/memory-device.ts';
import type { Scenario } from '../scenario/schema.ts';
import { rwCdb } from './cdb.ts';
import { LUN, awsTapeSink, createSyncPairTarget } from './standalone.ts';
import { WireSession, type WireHost, answerOf } from './wire-session.ts';

export interface WireOptions {
  scenarioPath?: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** Builds the host: volumes sized by the scenario (or 4096 × 512 B), steps for the rest. */
export function standaloneHost(scenario?: Scenario): WireHost & { tape: AwsTapeWriter } {
  const blocks = scenario?.geometry.blocks ?? 4096;
  const blockBytes = scenario?.geometry.blockBytes ?? 512;
  const pvol = new MemoryBlockDevice({ name: 'pvol-601', blocks, blockBytes });
  const svol = new MemoryBlockDevice({ name: 'svol-602', blocks, blockBytes });
  const backupDisk = new MemoryBlockDevice({ name: 'backup-disk', blocks, blockBytes });
  const tape = new AwsTapeWriter();
  const { target, clock, pair } = createSyncPairTarget({ pvol, svol, backupDisk, tape: awsTapeSink(tape) });
  const step = (s: unknown): unknown => {
    const o = (typeof s === 'object' && s !== null ? s : {}) as Record<string, unknown>;
    switch (o.op) {
      case 'write': {
        // A client server (101) write: `blocks` blocks at `lba`, every byte = `byte`.
        const lba = Number(o.lba), n = Number(o.blocks ?? 1), byte = Number(o.byte ?? 0);
        if (![lba, n, byte].every(Number.isInteger) || n < 1 || n > 0xffff) throw new Error('write needs integer lba, blocks ≥ 1, byte');
        return answerOf(target.execute(LUN.PVOL, rwCdb('WRITE', lba, n), new Uint8Array(n * blockBytes).fill(byte)));
      }
      case 'create': case 'split': case 'resync': case 'delete':
        pair[o.op](0);
        return pair.query(0);
      case 'status': return { ...pair.query(0), tapeBlocks: tape.blocksWritten, tapeBytes: tape.dataBytes };
      default: throw new Error('step.op must be write, create, split, resync, delete or status');
    }
  };
  return { target, clock, step, tape };
}

export async function runWire(opts: WireOptions): Promise<void> {
  const scenario = opts.scenarioPath
    ? await (await import('./scenario-file-node.ts')).loadScenarioFile(opts.scenarioPath)
    : undefined;
  const session = new WireSession(standaloneHost(scenario));
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
}
