/**
 * A processor's context (src/array/context.ts `Ctx`) rebuilt inside one worker of the
 * live runtime (issue 6): the same 507 layout over the one shared WebAssembly.Memory, the
 * same wrappers (differential 514, cache, rings), and only the devices this processor's
 * role may touch. A volume handed to any other processor is a guard that throws, which
 * enforces the patent's arrangement (SPEC.md parts table: 508 is the only processor that
 * touches the volumes; 503 streams to the tape).
 *
 * Time is wall-clock: ms since the run's epoch, taken as timeOrigin + now() so that every
 * worker (each has its own timeOrigin) reads the same clock (events.ts: "wall-clock in
 * the live runtime").
 */
import type { Core } from '../../core/core-api.ts';
import { AWS_HEADER_BYTES, AwsTapeWriter } from '../../devices/awstape.ts';
import type { BlockDevice } from '../../devices/block-device.ts';
import { Cache } from '../../array/cache.ts';
import type { Ctx } from '../../array/context.ts';
import { Differential } from '../../array/differential-514.ts';
import { Mem507, planLayout } from '../../array/memory-507.ts';
import { Ring } from '../../array/queues.ts';
import { createCostModel } from '../cost-model.ts';
import type { Actor, SimEvent } from '../events.ts';
import type { Costs } from '../../scenario/schema.ts';

/** Everything a worker needs to attach to the run (plain data: it crosses postMessage). */
export interface Wiring {
  blocks: number;
  blockBytes: number;
  slots: number;
  costs: Costs;
}

/** The run's clock: the same in every worker once `epoch()` (timeOrigin-based ms of t = 0) is set. */
export function wallClock(epoch: () => number): () => number {
  return () => performance.timeOrigin + performance.now() - epoch();
}

/** A device that refuses every access, for processors whose role does not include it. */
export function forbiddenDevice(name: string, role: Actor, blocks: number, blockBytes: number): BlockDevice {
  const refuse = (): never => {
    throw new Error(`${role} may not touch ${name}: only 508 touches the volumes (SPEC.md parts table)`);
  };
  return { name, blocks, blockBytes, read: refuse, write: refuse, flush: refuse };
}

/**
 * The tape 303 as an AWSTAPE image appended to an OPFS file, flushed at each tapemark (the
 * end of a backup's tape file, before 503 reports it done) and when the run closes.
 * `reserveBytes` (the size planned against the quota) is asked of the browser at once, by
 * sizing the file up and back: Chromium grants an OPFS file room in steps (1 MiB, then
 * doubling), each a synchronous call to the browser process that, in the middle of a
 * backup, waits behind every message the other workers' writes queued there.
 */
export function opfsTape(handle: FileSystemSyncAccessHandle, reserveBytes = 0): { writer: AwsTapeWriter; flush(): void } {
  if (reserveBytes > 0) handle.truncate(reserveBytes);
  handle.truncate(0);
  let at = 0;
  // One write per segment from one reused buffer: Chromium sends the browser a message for
  // every write to an OPFS file (its capacity tracker's OnContentsModified), and a fresh
  // buffer per write made each append several times slower (awstape.ts, the sink).
  let buf = new Uint8Array(64 * 1024 + AWS_HEADER_BYTES);
  const writer = new AwsTapeWriter({
    sink: (header, data) => {
      const len = header.length + data.length;
      if (len > buf.length) buf = new Uint8Array(len);
      buf.set(header);
      buf.set(data, header.length);
      const n = handle.write(buf.subarray(0, len), { at });
      if (n !== len) throw new Error(`tape-303: short write ${n} of ${len} bytes (quota?)`);
      at += n;
    },
    flush: () => handle.flush(),
  });
  return { writer, flush: () => handle.flush() };
}

export interface LiveDevices {
  pvol?: BlockDevice;
  svol?: BlockDevice;
  tape?: AwsTapeWriter;
}

/** Builds the Ctx over the existing 507 (it does not zero or re-initialise anything). */
export function attachCtx(core: Core, role: Actor, w: Wiring, dev: LiveDevices, events: SimEvent[], now: () => number): Ctx {
  const L = planLayout(w.blocks, w.blockBytes, w.slots);
  const m = new Mem507(core, L);
  const noTape = new AwsTapeWriter({
    sink: () => { throw new Error(`${role} may not write the tape: 503 streams to it (SPEC.md flows)`); },
  });
  return {
    core,
    m,
    diff: new Differential(core, m),
    cache: new Cache(m),
    cost: createCostModel(w.costs),
    pvol: dev.pvol ?? forbiddenDevice('pvol-601', role, w.blocks, w.blockBytes),
    svol: dev.svol ?? forbiddenDevice('svol-602', role, w.blocks, w.blockBytes),
    tape: dev.tape ?? noTape,
    cowRing: new Ring(m, L.cowRing),
    reqRing: new Ring(m, L.reqRing),
    now,
    log: (actor, ev, to, detail) => {
      const e: SimEvent = { t: now(), actor, ev };
      if (to) e.to = to;
      if (detail) e.detail = detail;
      events.push(e);
    },
  };
}
