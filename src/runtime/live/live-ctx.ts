/**
 * A processor's context (src/array/context.ts `Ctx`) rebuilt inside one worker of the
 * live runtime (docs/live.md): the same 507 layout over the one shared WebAssembly.Memory,
 * the same wrappers (differential 514, cache, rings), and only the devices this processor's
 * role may touch. A volume handed to any other processor is a guard that throws, which
 * enforces the patent's arrangement (docs/patent.md#parts: 508 is the only processor that
 * touches the volumes; 503 streams to the tape).
 *
 * Time is wall-clock: ms since the run's epoch, taken as timeOrigin + now() so that every
 * worker (each has its own timeOrigin) reads the same clock (events.ts: "wall-clock in
 * the live runtime").
 */
import type { Core } from '../../core/core-api.ts';
import { AWS_HEADER_BYTES, AwsTapeWriter, type AwsTapeWriterOptions } from '../../devices/awstape.ts';
import { scanTapeEnd } from '../../devices/awstape-resume.ts';
import { FaultyTapeWriter, type Injector } from '../../devices/faults.ts';
import type { BlockDevice } from '../../devices/block-device.ts';
import { Cache } from '../../array/cache.ts';
import type { Ctx } from '../../array/context.ts';
import { Differential } from '../../array/differential-514.ts';
import { Mem507, planLayout } from '../../array/memory-507.ts';
import { SpscQueue } from '../../array/queues.ts';
import { createCostModel } from '../cost-model.ts';
import type { Actor, SimEvent } from '../../array/events.ts';
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
    throw new Error(`${role} may not touch ${name}: only 508 touches the volumes (docs/patent.md#parts)`);
  };
  return { name, blocks, blockBytes, read: refuse, write: refuse, flush: refuse };
}

/** Most bytes gathered for one write to the tape file (eight 64 KiB blocks and their headers). */
const GATHER_MAX = 8 * (64 * 1024 + AWS_HEADER_BYTES);

export interface OpfsTapeOptions {
  /**
   * A restarted 503 (docs/live.md "A processor's worker terminated"), or a run resumed after
   * a recovery (resume-508.ts), carries the tape on from its last whole block: nothing is
   * cut or laid out.
   */
  resume?: boolean;
  /** The scenario's faults (live-faults.ts), asked before every block and tapemark. */
  inject?: Injector;
}

/**
 * The tape 303 as an AWSTAPE image appended to an OPFS file. At each tapemark (the end of a
 * backup's tape file, before 503 reports it done) the file is cut to its exact end and made
 * durable: `atTapemark` asks the flusher for a round (flusher.ts; the backup's end is
 * answered once it is done), or, without one, the file is flushed there and then.
 * `layoutBytes` (what the script's backups will write) is written as zeros and flushed
 * before the run, and the file is cut to its exact end at each tapemark: a backup then
 * overwrites blocks the file system already placed. Appending instead grows the file
 * during the backup, and each growth is a synchronous call to Chromium's browser process
 * (it grants an OPFS file room in doubling steps) plus, on ext4's ordered mode, new blocks
 * that every other file's flush must wait for (the client's journal flushes during the
 * backup), so the backup ran measurably faster laid out (docs/live.md "Shaping the I/O for
 * OPFS" has the figures).
 * A reload in the middle of a backup can leave laid-out zeros at the end of the file; that
 * backup is reported as interrupted (recovery.ts) and the next run rewrites the tape.
 * A file a failed backup left without its tapemark is written over by the next backup
 * (`reposition`, channel-503.ts overwritePartialFile), as the sim's tape does.
 * With `inject` (the scenario's faults, live-faults.ts) the writer asks it before every
 * block and tapemark (src/devices/faults.ts FaultyTapeWriter).
 */

export function opfsTape(handle: FileSystemSyncAccessHandle, layoutBytes = 0, atTapemark?: () => void, opt: OpfsTapeOptions = {}): { writer: AwsTapeWriter; flush(): void } {
  const resume = !!opt.resume;
  if (!resume) handle.truncate(0);
  const zeros = new Uint8Array(resume ? 0 : Math.min(layoutBytes, 1 << 20));
  for (let o = 0; !resume && o < layoutBytes; o += zeros.length) {
    const len = Math.min(zeros.length, layoutBytes - o);
    if (handle.write(zeros.subarray(0, len), { at: o }) !== len) throw new Error(`tape-303: short write laying out ${layoutBytes} bytes (quota?)`);
  }
  if (layoutBytes > 0 && !resume) handle.flush();
  let at = 0, pend = 0;
  // The segments 503 streams in one step are gathered in one reused buffer and written by
  // commit() in one call: Chromium sends the browser a message for every write to an OPFS
  // file (its capacity tracker's OnContentsModified), so a call per 32 KiB block cost more
  // than its bytes; and a fresh buffer per write made each append several times slower
  // (awstape.ts, the sink).
  let buf = new Uint8Array(64 * 1024 + AWS_HEADER_BYTES);
  const commit = () => {
    if (pend === 0) return;
    const n = handle.write(buf.subarray(0, pend), { at });
    if (n !== pend) throw new Error(`tape-303: short write ${n} of ${pend} bytes (quota?)`);
    at += n;
    pend = 0;
  };
  /** The image ends at `at`: laid-out zeros past it are cut before anything reads it. */
  const cut = () => {
    commit();
    if (handle.getSize() !== at) handle.truncate(at);
  };
  const sync = () => { cut(); handle.flush(); };
  const opts: AwsTapeWriterOptions = {
    sink: (header, data) => {
      const len = header.length + data.length;
      if (pend + len > buf.length) {
        if (pend + len <= GATHER_MAX) {
          const grown = new Uint8Array(Math.min(GATHER_MAX, Math.max(2 * buf.length, pend + len)));
          grown.set(buf.subarray(0, pend));
          buf = grown;
        } else {
          commit();
          if (len > buf.length) buf = new Uint8Array(len);
        }
      }
      buf.set(header, pend);
      buf.set(data, pend + header.length);
      pend += len;
    },
    // At a tapemark the gathered blocks are written and the tape's flush asked for; the
    // laid-out zeros past the end stay until the run closes (sync), so the next backup of
    // the script writes over them and never grows the file, and the backup's end waits for
    // no truncate (a call to the browser that took milliseconds there). A recovery cuts the
    // file at its last whole entry (recovery-tape.ts).
    flush: atTapemark ? () => { commit(); atTapemark(); } : sync,
    commit,
    // A backup after a failed one writes over the partial file the failure left
    // (channel-503.ts overwritePartialFile): the file is cut there, so that a recovery never
    // finds the old blocks past the new end (recovery-tape.ts).
    reposition: (bytes) => {
      pend = 0; // gathered blocks of the partial file: dropped with it
      at = bytes;
      handle.truncate(bytes);
    },
    // 503 reads its tape back (a restore, the catalog): what it gathered goes to the file first.
    read: (at, into) => {
      commit();
      if (handle.read(into, { at }) !== into.byteLength) throw new Error(`tape-303: short read of ${into.byteLength} bytes at ${at}`);
    },
  };
  const writer = opt.inject ? new FaultyTapeWriter(opt.inject, opts) : new AwsTapeWriter(opts);
  if (resume) {
    const end = scanTapeEnd((o, into) => { handle.read(into, { at: o }); }, handle.getSize());
    writer.resume(end);
    at = end.bytes;
  }
  return { writer, flush: sync };
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
    sink: () => { throw new Error(`${role} may not write the tape: 503 streams to it (docs/patent.md#the-flows)`); },
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
    cowRing: new SpscQueue(m, L.cowRing),
    reqRing: new SpscQueue(m, L.reqRing),
    now,
    log: (actor, ev, to, detail) => {
      const e: SimEvent = { t: now(), actor, ev };
      if (to) e.to = to;
      if (detail) e.detail = detail;
      events.push(e);
    },
  };
}
