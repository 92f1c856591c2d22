/**
 * The run result (the CLI's --json object, one per mode, docs/scenario.md#splitstream-run).
 * Times are virtual ms: splitAckMs from the client sending the split to its ack;
 * backupAcceptedMs from the backup command to 502's answer; backupDoneMs from the backup
 * server's decision to back up (so E2h's polling and E4's pause count) to 502's end report;
 * splitCompleteMs from the split command to 517 reading split. The `at` object has the
 * absolute times.
 */
import type { Core } from '../core/core-api.ts';
import type { ControllerPorts } from '../array/controller.ts';
import type { Mismatch } from '../oracle/oracle.ts';
import { sha256Hex } from '../oracle/sha256.ts';
import type { AwsTapeWriter } from '../devices/awstape.ts';
import { checkTape, type PointResult, type RestoreResult } from './sim-result-tape.ts';

/** What a result needs of a tape: its image and its counts (the sim's writer, or the live tape's bytes). */
export type TapeImage = Pick<AwsTapeWriter, 'bytes' | 'bytesWritten' | 'blocksWritten'>;
import type { Mode, Scenario } from '../scenario/schema.ts';
import type { SimEvent } from '../array/events.ts';
import type { BackupFailure, BackupStatus } from '../array/backup.ts';
import type { Client101, Servers } from './sim-servers.ts';
import type { FaultHit } from './faults.ts';
import { summarizeStages, type AckStages } from './ack-stages.ts';

/** How one backup of the script ended (`verified` only for one that completed). */
export interface BackupOutcome {
  status: BackupStatus;
  failure: BackupFailure;
  reason?: string;
  /** The segment it failed at (COPY ABORTED's segment), or -1. */
  failedSegment: number;
  blocksDone: number;
  verified?: boolean;
}

export interface RunResult {
  scenario: string;
  mode: Mode;
  seed: number;
  blocks: number;
  blockBytes: number;
  core: 'wasm' | 'ref';
  verified: boolean;
  /** Why not verified (the first mismatching block, a refused command, …). */
  reason?: string;
  firstMismatch?: Mismatch;
  splitAckMs: number;
  backupAcceptedMs: number;
  backupDoneMs: number;
  splitCompleteMs: number;
  pendingAtSplit: number;
  priorityCopies: number;
  cowCopies: number;
  stagedFromPvol: number;
  svolWritesForBackup: number;
  backgroundCopies: number;
  tapeBytes: number;
  tapeBlocks: number;
  tapeSha256: string;
  pitSha256: string;
  /** SHA-256 of the tape's payload: equals pitSha256 when verified. */
  tapeDataSha256: string;
  clientWrites: number;
  /**
   * Catalogued backups (docs/scenario.md "Incremental backups and restore"), present when
   * the script has any: each restore point rebuilt from the tape and checked, the blocks
   * each incremental wrote, and each restore as read back from its destination.
   */
  points?: PointResult[];
  incrementalBlocks?: number[];
  restores?: RestoreResult[];
  writeLatencyMs: { p50: number; p99: number; max: number };
  /** Live runs: where the writes' latency went, stage by stage (ack-stages.ts). */
  ackStagesMs?: AckStages;
  events: number;
  endMs: number;
  /** Every backup of the script, in order: how it ended. */
  backups: BackupOutcome[];
  /** The pair at the end; `reason` says why it is suspended (PSUE). */
  pair: { p516: string; s517: string; reason?: string };
  /** The scenario's faults: when each hit and which I/O it failed (absent without faults). */
  faults?: FaultHit[];
  /** The invariants at the end of a run with faults (sim-invariants.ts; the live runtime checks them over its OPFS volumes). */
  invariants?: { ok: boolean; violations: string[] };
  at: { splitCmd: number; splitAck: number; splitComplete: number; backupRequested: number; backupCmd: number; backupAccepted: number; backupDone: number };
}

export interface ResultInput {
  s: Scenario; core: Core; ctl: ControllerPorts; tape: TapeImage; events: readonly SimEvent[];
  client: Client101; servers: Servers | null; end: number;
  /** The run's starting P-VOL image, if not the seeded content (SimOptions.initialImage). */
  image?: Uint8Array;
  /** The scenario's faults and what became of them (the sim's SimFaults, the live runtime's hits: device faults from the array's worker, worker faults from the page). */
  faults?: { readonly hits: readonly FaultHit[] } | null;
}

const r3 = (x: number) => (x < 0 || !Number.isFinite(x) ? -1 : Math.round(x * 1000) / 1000);

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0;
}

export function buildResult(i: ResultInput): RunResult {
  const { s, ctl, tape } = i;
  const c = ctl.counters();
  const image = tape.bytes();
  const split = i.servers?.splits[0];
  const bk = i.servers?.backups[0];
  const h = bk?.handle;
  const complete = i.events.find((e) => e.ev === 'split.complete' && split && e.t >= split.cmdAt);
  const splitCompleteAt = !split || split.ackAt < 0 ? -1
    : split.pendingAtSplit === 0 ? split.ackAt : (complete?.t ?? -1);
  const lat = i.client.writes.filter((w) => w.ack >= 0).map((w) => (w.seen ?? w.ack) - w.arrival).sort((a, b) => a - b);
  const stages = summarizeStages(i.client.writes);
  // Every backup is checked against the image of the split it backs up (incrementals and
  // restores too, sim-result-tape.ts); the first one that fails (or the first backup's
  // verdict) is reported.
  const t = checkTape(i);
  const verdict = t.verdict;
  let reason: string | undefined = !split || !bk ? 'the script has no split and backup' : undefined;
  // With faults in the scenario a backup that a fault ended is an outcome, reported in
  // `backups`, not a verdict on the tape: only completed backups must verify (checkTape).
  const backups: BackupOutcome[] = (i.servers?.backups ?? []).map(({ handle: hd }, k) => ({
    status: hd.status, failure: hd.failure, ...(hd.reason ? { reason: hd.reason } : {}), failedSegment: hd.failedSegment,
    blocksDone: hd.blocksDone, ...(hd.status === 'done' ? { verified: t.backupVerified[k] ?? false } : {}),
  }));
  const ps = ctl.status();
  if (!verdict && i.s.faults?.length && backups.length) reason ??= `no backup completed: ${backups.map((b) => b.reason ?? b.status).join('; ')}`;
  reason ??= verdict?.reason;
  const chain = t.points.length > 0 || t.restores.length > 0
    ? { points: t.points, incrementalBlocks: t.incrementalBlocks, restores: t.restores } : {};
  return {
    scenario: s.name, mode: s.mode, seed: s.seed, blocks: s.geometry.blocks, blockBytes: s.geometry.blockBytes,
    core: i.core.kind,
    verified: verdict?.verified ?? false,
    ...(reason ? { reason } : {}),
    ...(verdict?.firstMismatch ? { firstMismatch: verdict.firstMismatch } : {}),
    splitAckMs: split && split.ackAt >= 0 ? r3((split.seenAt ?? split.ackAt) - split.cmdAt) : -1,
    backupAcceptedMs: h && h.acceptedAt >= 0 ? r3(h.acceptedAt - bk!.cmdAt) : -1,
    backupDoneMs: h && h.doneAt >= 0 ? r3(h.doneAt - bk!.requestedAt) : -1,
    splitCompleteMs: split && splitCompleteAt >= 0 ? r3(splitCompleteAt - split.cmdAt) : -1,
    pendingAtSplit: split?.pendingAtSplit ?? -1,
    priorityCopies: c.priorityCopies,
    cowCopies: c.cowCopies,
    stagedFromPvol: c.stagedFromPvol,
    svolWritesForBackup: c.svolWritesForBackup,
    backgroundCopies: c.backgroundCopies,
    tapeBytes: tape.bytesWritten,
    tapeBlocks: tape.blocksWritten,
    tapeSha256: sha256Hex(image),
    pitSha256: verdict?.pitSha256 ?? '',
    tapeDataSha256: verdict?.tapeDataSha256 ?? '',
    clientWrites: i.client.writes.length,
    ...chain,
    writeLatencyMs: { p50: r3(pct(lat, 0.5)), p99: r3(pct(lat, 0.99)), max: r3(lat[lat.length - 1] ?? 0) },
    ...(stages ? { ackStagesMs: stages } : {}),
    events: i.events.length,
    endMs: r3(i.end),
    backups,
    pair: { p516: ps.p516, s517: ps.s517, ...(ps.reason ? { reason: ps.reason } : {}) },
    ...(i.faults ? { faults: i.faults.hits.map((h) => ({ ...h })) } : {}),
    at: {
      splitCmd: r3(split?.cmdAt ?? -1), splitAck: r3(split?.ackAt ?? -1), splitComplete: r3(splitCompleteAt),
      backupRequested: r3(bk?.requestedAt ?? -1), backupCmd: r3(bk?.cmdAt ?? -1),
      backupAccepted: r3(h?.acceptedAt ?? -1), backupDone: r3(h?.doneAt ?? -1),
    },
  };
}
