/**
 * Turns the sim runtime's answers (src/runtime/sim.ts Snapshot, RunResult) into what the
 * views draw (view-model.ts). Pure functions: the worker calls them, the page never sees
 * a Snapshot.
 */
import type { RunResult, Snapshot } from '../../src/runtime/sim.ts';
import type { SimEvent } from '../../src/array/events.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { bytesSource, readAwsTape } from '../../src/devices/awstape.ts';
import { looksLikeCatalog, readCatalog, runBlocks } from '../../src/devices/tape-catalog.ts';
import { TapeIndex } from '../../src/devices/tape-index.ts';
import { faultOutcome } from '../../src/runtime/fault-outcome.ts';
import { ACK_STAGES } from '../../src/runtime/ack-stages.ts';
import type { BitmapView, CatalogView, FrameView, PointView, ProgressView, ResultView, SeriesView, TapeView } from './view-model.ts';

/** The planned backup range of the script's first backup command (511's range), or null. */
export function backupRange(s: Scenario): [number, number] | null {
  const b = s.script.find((c) => c.op === 'backup');
  if (!b || b.op !== 'backup') return null;
  return [b.lba, b.blocks === 0 ? s.geometry.blocks : b.lba + b.blocks];
}

function bitmaps(snap: Snapshot, nBlocks: number): { diff: BitmapView; post: BitmapView } {
  const bm = snap.bitmaps;
  const p = snap.pair;
  if (bm.kind === 'bits') {
    return {
      diff: { nBlocks, setCount: p.pending, bits: bm.diff },
      post: { nBlocks, setCount: p.post, bits: bm.post },
    };
  }
  return {
    diff: { nBlocks, setCount: p.pending, buckets: { blocksPerBucket: bm.blocksPerBucket, counts: bm.diff } },
    post: { nBlocks, setCount: p.post, buckets: { blocksPerBucket: bm.blocksPerBucket, counts: bm.post } },
  };
}

/**
 * The three long jobs, always in the same three rows (no layout jumps):
 * formation copy (after create, §0020), the differential copy after a quick split
 * (pending at split → 0), and the backup (blocks streamed of the range).
 */
function progress(snap: Snapshot, nBlocks: number): ProgressView[] {
  const p = snap.pair;
  const forming = p.p516 === 'duplex-pending';
  const afterSplit = p.p516 === 'split' || p.p516 === 'split-pending';
  const b = snap.backup;
  return [
    { label: 'formation copy', done: forming ? nBlocks - p.pending : 0, total: forming ? nBlocks : 0 },
    {
      label: 'differential copy',
      done: afterSplit ? Math.max(0, p.pendingAtSplit - p.pending) : 0,
      total: afterSplit ? p.pendingAtSplit : 0,
    },
    { label: 'backup to tape', done: b?.blocksDone ?? 0, total: b?.totalBlocks ?? 0 },
  ];
}

export function frameOf(snap: Snapshot, s: Scenario): FrameView {
  const n = s.geometry.blocks;
  const { diff, post } = bitmaps(snap, n);
  const c = snap.counters;
  return {
    t: snap.t,
    state516: snap.pair.p516,
    state517: snap.pair.s517,
    busy: snap.busy,
    diff514: diff,
    postSplit: post,
    backupRange: backupRange(s),
    progress: progress(snap, n),
    counters: {
      'client writes': snap.clientWrites, 'copy-before-write': c.cowCopies, 'priority copies': c.priorityCopies,
      'staged from P-VOL': c.stagedFromPvol, 'S-VOL writes for backup': c.svolWritesForBackup,
      'background copies': c.backgroundCopies, destaged: c.destaged, 'tape blocks': c.tapeBlocks,
    },
  };
}

const orNull = (v: number) => (v < 0 ? null : v);

export function resultOf(r: RunResult): ResultView {
  return {
    mode: r.mode,
    verified: r.verified,
    splitAckMs: orNull(r.splitAckMs),
    backupDoneMs: orNull(r.backupDoneMs),
    blocksCopied: r.backgroundCopies + r.priorityCopies + r.cowCopies,
    svolWrites: r.svolWritesForBackup,
    firstBadBlock: r.firstMismatch?.block ?? null,
    faults: faultOutcome(r),
    badGenerations: r.firstMismatch ? { tape: r.firstMismatch.tapeGen, expected: r.firstMismatch.expectedGen } : null,
    writeP50: r.clientWrites > 0 ? r.writeLatencyMs.p50 : null,
    writeP99: r.clientWrites > 0 ? r.writeLatencyMs.p99 : null,
    ackStages: r.ackStagesMs ? ACK_STAGES.map((stage) => ({ stage, ...r.ackStagesMs![stage] })) : null,
    copies: { priority: r.priorityCopies, cow: r.cowCopies, background: r.backgroundCopies, stagedFromPvol: r.stagedFromPvol },
    extra: {
      ...(r.reason ? { 'why not verified': r.reason } : {}),
      core: r.core,
      'pending at split': r.pendingAtSplit,
      'staged from P-VOL (E3)': r.stagedFromPvol,
      'client writes': r.clientWrites,
      'slowest client write': `${r.writeLatencyMs.max} ms`,
      'S-VOL up to date (517 = split) after': r.splitCompleteMs < 0 ? '—' : `${r.splitCompleteMs} ms`,
      'tape SHA-256 of data': r.tapeDataSha256.slice(0, 16) + '…',
      'split-instant image SHA-256': r.pitSha256.slice(0, 16) + '…',
    },
  };
}

export function tapeOf(image: Uint8Array, r?: RunResult): TapeView {
  let files: TapeView['files'] = [];
  let catalog: TapeView['catalog'] = null;
  try {
    files = readAwsTape(image).files.map((f) => ({ blocks: f.length, bytes: f.reduce((a, b) => a + b.length, 0) }));
    catalog = catalogOf(image, r);
  } catch {
    // A malformed image still downloads; the table just stays empty.
  }
  return { files, totalBytes: image.length, image: image.length ? image : null, catalog };
}

/** The tape's catalog as the page shows it, each point with the run's verdict on it. */
function catalogOf(image: Uint8Array, r?: RunResult): CatalogView | null {
  const index = new TapeIndex(bytesSource(image)).refresh();
  const { catalog, file } = readCatalog(index);
  if (file === 0) return null;
  const earlier = index.files.map((f, k) => k + 1)
    .filter((f) => f !== file && index.files[f - 1].blocks.length > 0 && looksLikeCatalog(index.read(f, 0)));
  const points: PointView[] = catalog.entries.map((e) => {
    const v = r?.points?.[e.point];
    return {
      point: e.point, level: e.level, file: e.file, base: e.base, split: e.split, splitAt: e.splitAt, lba: e.lba, blocks: e.blocks,
      dataBlocks: runBlocks(e.runs), runs: e.runs.length, verified: v ? v.verified : null, ...(v?.reason ? { reason: v.reason } : {}),
    };
  });
  return { file, earlier, points, restores: r?.restores ?? [] };
}

/**
 * Chart series from snapshots sampled at increasing times: pending blocks in 514, tape
 * throughput (MB/s = bytes per ms / 1000) per interval, and the client's max write latency
 * per interval (null where no write was acknowledged, drawn as a gap).
 */
export function seriesOf(samples: readonly Snapshot[]): SeriesView {
  const t: number[] = [], pending: number[] = [], throughput: number[] = [];
  const latency: (number | null)[] = [];
  const last = samples[samples.length - 1];
  // Acks can complete out of issue order: sort by ack time once, then sweep.
  const order = (last?.latency.t ?? []).map((_, i) => i).sort((a, b) => last!.latency.t[a] - last!.latency.t[b]);
  const lt = order.map((i) => last!.latency.t[i]), lm = order.map((i) => last!.latency.ms[i]);
  let k = 0;
  samples.forEach((s, i) => {
    t.push(s.t);
    pending.push(s.pair.pending);
    const prev = samples[i - 1];
    const dt = prev ? s.t - prev.t : 0;
    throughput.push(prev && dt > 0 ? (s.counters.tapeBytes - prev.counters.tapeBytes) / dt / 1000 : 0);
    let max = -1;
    while (k < lt.length && lt[k] <= s.t) { max = Math.max(max, lm[k]); k++; }
    latency.push(max < 0 ? null : max);
  });
  return { t, pending, throughput, latency };
}

/** FNV-1a over the event log: two pages compare timelines without shipping them. */
export function digestOf(events: readonly SimEvent[]): string {
  let h = 0x811c9dc5;
  const s = JSON.stringify(events);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
