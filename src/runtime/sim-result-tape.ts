/**
 * The verdicts over a run's tape (docs/scenario.md "Incremental backups and restore"):
 * every backup against the image of its split, an incremental also against the blocks the
 * client changed since its base's split, every restore point rebuilt from the tape files,
 * and every restore as read back from its destination. The chain is the servers' own record
 * of their catalogued backups (the last full, then the incrementals after it), never the
 * array's: the catalog only says where on the tape each backup's blocks are.
 */
import { bytesSource, readAwsTape } from '../devices/awstape.ts';
import { readCatalog, runBlocks, type CatalogEntry } from '../devices/tape-catalog.ts';
import { TapeIndex } from '../devices/tape-index.ts';
import { verifyBackup, type Verdict } from '../oracle/oracle.ts';
import { verifyIncremental, verifyPoint, verifyRestore } from '../oracle/oracle-chain.ts';
import type { BackupParams } from '../array/backup.ts';
import type { BackupRecord, Servers, SplitRecord } from './sim-servers.ts';
import type { ResultInput } from './sim-result.ts';

export interface RestoreResult { point: number; to: 'disk' | 'svol'; verified: boolean; blocks: number; reason?: string }
export interface PointResult {
  point: number; level: 'full' | 'incremental'; file: number; split: number; splitAt: number;
  /** Blocks its tape file holds, and in how many runs. */
  blocks: number;
  runs: number;
  /** The backup server deciding to back up → 502 reporting the end (ms). */
  backupMs: number;
  /** The point rebuilt from the tape (its full, then its incrementals) is the image of its split. */
  verified: boolean;
  reason?: string;
}

export interface TapeVerdicts {
  /** The first failing verdict, else the first one (null: no backup). */
  verdict: Verdict | null;
  restores: RestoreResult[];
  incrementalBlocks: number[];
  points: PointResult[];
  /** Per backup of the script: whether it verified (undefined: it did not complete). */
  backupVerified: (boolean | undefined)[];
}

const failed = (reason: string): Verdict => ({ verified: false, reason, blocksCompared: 0, pitSha256: '', tapeDataSha256: '' });

/** A catalogued backup as the servers made it, with where the catalog says its blocks are. */
interface Point { b: BackupRecord; sp: SplitRecord; p: BackupParams; entry?: CatalogEntry }

export function checkTape(i: ResultInput): TapeVerdicts {
  const image = i.tape.bytes();
  const files = readAwsTape(image).files;
  const catalog = readCatalog(new TapeIndex(bytesSource(image))).catalog;
  const servers: Servers | null = i.servers;
  const { s, ctl } = i;
  const base = {
    core: i.core, scratch: ctl.ctx.m.L.verify, seed: s.seed, blocks: s.geometry.blocks,
    blockBytes: s.geometry.blockBytes, writes: i.client.writes, initial: i.image,
  };
  let verdict: Verdict | null = null;
  const backupVerified: (boolean | undefined)[] = [];
  const judge = (v: Verdict, k = -1) => {
    if (k >= 0) backupVerified[k] = v.verified;
    if (verdict === null || (verdict.verified && !v.verified)) verdict = v;
  };
  // With faults (docs/scenario.md#faults) a backup that a fault ended, or refused because
  // the pair was suspended, is an outcome listed in the result's `backups`, not a verdict.
  const outcomesOnly = !!s.faults?.length;
  const points: Point[] = [];
  const incrementalBlocks: number[] = [];
  let file = 0, j = 0;
  for (const [k, b] of (servers?.backups ?? []).entries()) {
    const sp = servers!.splits[b.split];
    const p = b.handle.params as BackupParams;
    const pre = !sp ? 'backup without a split before it' : !sp.ok ? `split refused: ${sp.reason}`
      : b.handle.status !== 'done' ? `backup ${b.handle.status}: ${b.handle.reason}` : null;
    if (pre) { if (!outcomesOnly) judge(failed(pre)); continue; }
    const ranges = p.segments.map((x) => ({ lba: x.lba, blocks: x.blocks }));
    if (!p.level) {
      judge(verifyBackup({ ...base, splitAckAt: sp!.ackAt, ranges, tapeFile: files[file] ?? [] }), k);
      if (p.segments.some((x) => x.dest.kind === 'tape')) file++;
      continue;
    }
    const entry = catalog.entries[j++];
    const pt: Point = { b, sp: sp!, p, entry };
    if (!entry) { judge(failed(`the tape's catalog lacks catalogued backup ${points.length}`), k); points.push(pt); continue; }
    const tapeFile = files[entry.file - 1] ?? [];
    file = entry.file + 1; // past its catalog file
    if (p.level === 'incremental') {
      const prev = points[points.length - 1];
      incrementalBlocks.push(b.handle.blocksDone);
      judge(!prev ? failed('an incremental without a catalogued backup before it')
        : verifyIncremental({ ...base, splitAckAt: sp!.ackAt, baseSplitAckAt: prev.sp.ackAt, range: ranges[0], runs: entry.runs, tapeFile }), k);
    } else {
      judge(verifyBackup({ ...base, splitAckAt: sp!.ackAt, ranges, tapeFile }), k);
    }
    points.push(pt);
  }
  const pointResults = points.map((pt, k) => {
    const v = checkPoint(points, k, (e) => files[e.file - 1] ?? [], base);
    judge(v);
    const e = pt.entry;
    return {
      point: k, level: pt.p.level!, file: e?.file ?? 0, split: e?.split ?? 0, splitAt: e?.splitAt ?? -1,
      blocks: e ? runBlocks(e.runs) : 0, runs: e?.runs.length ?? 0,
      backupMs: Math.round((pt.b.handle.doneAt - pt.b.requestedAt) * 1000) / 1000,
      verified: v.verified, ...(v.reason ? { reason: v.reason } : {}),
    };
  });
  const restores = (servers?.restores ?? []).map((r): RestoreResult => {
    const h = r.handle;
    const pt = points[r.point];
    const v = h.status !== 'done' ? failed(`restore ${h.status}: ${h.reason}`)
      : !pt || !r.range ? failed(`restore point ${r.point}: the servers made no such catalogued backup`)
        : !r.readBack ? failed(`restore of point ${r.point} not read back: its destination could not be read (the live runtime reads it through a shared OPFS handle)`)
        : verifyRestore({ ...base, splitAckAt: pt.sp.ackAt, range: r.range, restored: r.readBack });
    judge(v);
    return { point: r.point, to: r.to, verified: v.verified, blocks: h.blocksDone, ...(v.reason ? { reason: v.reason } : {}) };
  });
  return { verdict, restores, incrementalBlocks, points: pointResults, backupVerified };
}

/** Point k rebuilt from the tape: the servers' last full at or before k, then each incremental to k. */
function checkPoint(points: Point[], k: number, fileOf: (e: CatalogEntry) => Uint8Array[], base: Omit<Parameters<typeof verifyPoint>[0], 'splitAckAt' | 'range' | 'files'>): Verdict {
  let first = k;
  while (first > 0 && points[first].p.level !== 'full') first--;
  const chain = points.slice(first, k + 1);
  if (chain[0].p.level !== 'full') return failed(`restore point ${k} has no full backup before it`);
  if (chain.some((x) => !x.entry)) return failed(`restore point ${k}: the catalog lacks a file of its chain`);
  const seg = chain[0].p.segments[0];
  return verifyPoint({
    ...base, splitAckAt: points[k].sp.ackAt, range: { lba: seg.lba, blocks: seg.blocks },
    files: chain.map((x) => ({ runs: x.entry!.runs, tapeFile: fileOf(x.entry!) })),
  });
}
