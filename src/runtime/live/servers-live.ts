/**
 * The client server 101 and the backup server 102 of the live runtime, in one
 * worker of their own: the very same actors the sim runs (src/runtime/sim-servers.ts: the
 * seeded write stream, the command script with its LAN messages and the mode-specific
 * flows), driven here by the wall clock instead of the virtual one. The two servers talk
 * to each other directly (their LAN, §0013) and to the array only through the
 * channel ports (remote-controller.ts). The result is built by the sim's own buildResult,
 * so the live run answers with the same object as the CLI's --json.
 */
import type { Core } from '../../core/core-api.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { WorkloadGen } from '../../scenario/workload.ts';
import type { SimEvent } from '../../array/events.ts';
import { Client101, Servers, type ReadBack } from '../sim-servers.ts';
import { buildResult, type RunResult } from '../sim-result.ts';
import { checkInvariants } from '../sim-invariants.ts';
import type { FaultHit } from '../faults.ts';
import { attachCtx, type Wiring } from './live-ctx.ts';
import type { LiveLayout } from './live-layout.ts';
import { LB, LiveBlock } from './processor-host.ts';
import { yieldTask } from './mpmc-ring.ts';
import { RemoteController } from './remote-controller.ts';

/**
 * How long the servers keep acting before letting their worker's event loop run (their
 * control plane: the page asks for progress and acknowledged writes while a run goes).
 */
const SLICE_MS = 4;

/**
 * `ack`: the array's acknowledgement time of each write, and `splitAckAt` the first split's
 * (null before it is answered): the oracle's split instant (src/oracle/), for the kill tests.
 */
export interface LiveAcks { writes: { id: number; lba: number; blocks: number; ack: number }[]; splitsAcked: number; splitAckAt: number | null }

/** A run with faults, at its end: the faults' hits and the volumes' bytes. */
export interface FaultedRun { faults: FaultHit[]; pvol: Uint8Array; svol: Uint8Array }

export interface ServersRun {
  /** Plays the script to its end (the backup's end report included). */
  run(): Promise<void>;
  /**
   * Builds the RunResult once the array is quiescent and the tape image is known. With the
   * scenario's faults: what became of each (the array's worker counted them, live-faults.ts),
   * and the volumes' bytes read after the array closed them, for the invariants the sim
   * checks after a run with faults (sim-invariants.ts).
   */
  finish(tape: { bytes: Uint8Array; blocks: number }, arrayEvents: SimEvent[], faulted?: FaultedRun): RunResult;
  /** What the servers know so far (for progress and for the reload test). */
  progress(): { t: number; writes: number; acked: number; splitAcked: boolean; backup: string; latencyMax: number | null };
  /** Acknowledged writes so far, in issue order. */
  acked(): { id: number; lba: number; blocks: number }[];
  /**
   * The writes acknowledged from the `from`-th acknowledgement on, in the order the acks
   * arrived, and how many splits the array has answered with success so far.
   */
  ackedSince(from: number): LiveAcks;
  /**
   * Calls `cb` with every acknowledgement as it arrives (from the next poll on): the kill
   * test learns of them within a message's time, and so kills closer behind the array.
   */
  streamAcks(cb: (acks: LiveAcks) => void): void;
  /** The merged event log of the last finish(). */
  eventLog(): SimEvent[];
  readonly events: SimEvent[];
}

/**
 * `readBack`: the backup server's verify pass after a restore reads the restored range from
 * the destination's OPFS file (servers-worker.ts opens it, where the browser shares handles).
 */
export function createServersRun(core: Core, lay: LiveLayout, wiring: Wiring, scenario: Scenario, now: () => number, readBack?: ReadBack): ServersRun {
  const events: SimEvent[] = [];
  const live = new LiveBlock(core.memory, lay.liveBlock);
  const ctx = attachCtx(core, '102', wiring, {}, events, now);
  const remote = new RemoteController(ctx, lay, () => live.bell.ring(), (d) => live.addWord(LB.URGENT, d));
  const s = scenario;
  const client = new Client101(new WorkloadGen(s.workload, s.geometry.blocks, s.seed), remote, s.seed, s.geometry.blockBytes, now);
  const servers = new Servers(s, remote, client, now, ctx.log, readBack);
  const actors = [servers, client];

  /**
   * Runs every step that is due now, earliest first across both servers (as the sim's
   * scheduler orders them), and returns the time of the earliest future one.
   */
  const due = (): number => {
    for (let guard = 0; guard < 1_000_000; guard++) {
      let best: { run(): void; cost: number } | null = null;
      for (const a of actors) {
        const w = a.next();
        if (w && (!best || w.cost < best.cost)) best = w;
      }
      if (!best) return Infinity;
      if (best.cost > 0) return now() + best.cost;
      best.run();
    }
    return now();
  };

  let merged: SimEvent[] = [];
  // progress(): the writes acknowledged since its last call start at or after `latFrom`
  // (every earlier write was acknowledged then) and were seen after `latT`.
  let latFrom = 0, latT = -Infinity;
  let stream: ((acks: LiveAcks) => void) | null = null;
  let streamed = 0, splitsStreamed = 0;
  const ackedSince = (from: number): LiveAcks => {
    const splits = servers.splits.filter((x) => x.ackAt >= 0 && x.ok);
    return {
      writes: client.ackOrder.slice(from).map((w) => ({ id: w.id, lba: w.lba, blocks: w.blocks, ack: w.ack })),
      splitsAcked: splits.length, splitAckAt: splits.length ? splits[0].ackAt : null,
    };
  };
  /** Polls the array's answers, and streams the new acknowledgements to whoever asked. */
  const poll = () => {
    remote.poll();
    if (!stream) return;
    const splits = servers.splits.filter((x) => x.ackAt >= 0 && x.ok).length;
    if (client.ackOrder.length > streamed || splits !== splitsStreamed) {
      stream(ackedSince(streamed));
      streamed = client.ackOrder.length;
      splitsStreamed = splits;
    }
  };
  return {
    events,
    eventLog: () => merged,
    acked: () => client.writes.filter((w) => w.ack >= 0).map((w) => ({ id: w.id, lba: w.lba, blocks: w.blocks })),
    ackedSince,
    streamAcks(cb) {
      stream = cb;
      streamed = client.ackOrder.length;
      splitsStreamed = 0;
    },
    async run() {
      // The script's end is not the client's: it still takes the acknowledgements of the
      // writes it has in flight, so each write's latency is the one it saw.
      const finished = () => servers.done && client.outstanding === 0;
      await yieldTask(); // the caller's answer (start) goes out first
      while (!finished() && !live.stopped()) {
        const sliceEnd = performance.now() + SLICE_MS;
        while (!finished() && !live.stopped()) {
          const seen = live.answerBell.generation();
          poll();
          const soonest = due();
          // A command the last step queued (an EXTENDED COPY) goes out now.
          remote.flush();
          const left = sliceEnd - performance.now();
          if (finished() || left <= 0) break;
          const wait = soonest - now();
          if (wait <= 0) continue;
          // Sleeps (Atomics.wait: no trip through the event loop) until the array's answer
          // (its doorbell) or the next arrival, whichever is first.
          live.answerBell.wait(seen, Math.min(wait, left));
        }
        await yieldTask();
      }
      remote.poll();
    },
    finish(tape, arrayEvents, faulted) {
      remote.poll();
      const all = [...arrayEvents, ...events].sort((a, b) => a.t - b.t);
      merged = all;
      const tapeLike = { bytes: () => tape.bytes, bytesWritten: tape.bytes.length, blocksWritten: tape.blocks };
      const r = buildResult({ s, core, ctl: remote, tape: tapeLike, events: all, client, servers, end: now(), faults: faulted ? { hits: faulted.faults } : null });
      if (!faulted) return r;
      const inv = checkInvariants({
        s, core, ctl: remote, pvol: { data: faulted.pvol }, svol: { data: faulted.svol }, tape: tapeLike, client, servers, backups: r.backups,
      });
      return { ...r, invariants: inv };
    },
    progress() {
      const h = remote.lastBackup;
      const t = now();
      // The slowest write the client saw acknowledged since the last call (the page's latency chart).
      let max = -1, firstOpen = -1, acked = latFrom;
      for (let i = latFrom; i < client.writes.length; i++) {
        const w = client.writes[i];
        if (w.ack < 0) { if (firstOpen < 0) firstOpen = i; continue; }
        acked++;
        const seen = w.seen ?? w.ack;
        if (seen > latT) max = Math.max(max, seen - w.arrival);
      }
      latFrom = firstOpen < 0 ? client.writes.length : firstOpen;
      latT = t;
      return {
        t,
        writes: client.writes.length,
        acked,
        splitAcked: servers.splits.some((x) => x.ackAt >= 0),
        backup: h ? h.state : 'none',
        latencyMax: max < 0 ? null : max,
      };
    },
  };
}
