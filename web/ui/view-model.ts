/**
 * What the views draw, in plain data (the "pure model / timeline / rendering" split of
 * Raft Scope): the sim worker turns the runtime's Snapshot into these, the components only
 * read them. Kept structured-clone friendly (it crosses the worker boundary).
 */
import type { Actor, SimEvent } from '../../src/array/events.ts';

/** A bitmap (514 or the post-split change bitmap): raw bits, LSB-first per byte as the
 * core lays them out (src/core/core-api.ts), or bucket counts when the volume is large. */
export interface BitmapView {
  nBlocks: number;
  setCount: number;
  bits?: Uint8Array;
  buckets?: { blocksPerBucket: number; counts: ArrayLike<number> };
}

export interface ProgressView {
  /** e.g. 'formation copy', 'differential copy', 'backup'. */
  label: string;
  done: number;
  total: number;
}

/** The state at one moment of the run (seek target). */
export interface FrameView {
  t: number;
  /** Pair state of the P-VOL (516) and of the S-VOL (517), docs/patent.md#pair-states. */
  state516: string;
  state517: string;
  busy: Actor[];
  diff514: BitmapView;
  postSplit: BitmapView;
  backupRange: [number, number] | null;
  progress: ProgressView[];
  counters: Record<string, number>;
}

/** One series point set for the charts. */
export interface SeriesView {
  t: number[];
  pending: number[];
  /** Backup throughput to the tape, MB/s, over each sampling interval. */
  throughput: number[];
  /** Client write latency (ms), max per sample interval; null where no write (a gap). */
  latency: (number | null)[];
}

/** The result of one whole run, as the compare table and verdict show it. */
export interface ResultView {
  mode: string;
  verified: boolean;
  splitAckMs: number | null;
  backupDoneMs: number | null;
  blocksCopied: number | null;
  svolWrites: number | null;
  firstBadBlock: number | null;
  /** The faults' outcome, one line each (src/runtime/fault-outcome.ts); empty without faults. */
  faults?: string[];
  /** Generations of the first bad block: on tape, and in the split-instant image (0 = last pre-split write). */
  badGenerations: { tape: number; expected: number } | null;
  /** The client's write latency (arrival → ack), ms. */
  writeP50: number | null;
  writeP99: number | null;
  /** Blocks copied to the S-VOL by cause, and blocks E3 took from the P-VOL instead. */
  copies: { priority: number; cow: number; background: number; stagedFromPvol: number } | null;
  /** Live runs: each stage of the client writes' acks (src/runtime/ack-stages.ts), in order, ms; null for the sim. */
  ackStages?: { stage: string; p50: number; p99: number }[] | null;
  /** The mode's key moment in this run (key-moments.ts), when the log has one; sim runs only. */
  keyMoment?: { t: number; title: string } | null;
  /** Everything else the runtime reported, shown as a table. */
  extra: Record<string, string | number | boolean>;
}

/** Tape contents for the verdict view: files (between tapemarks) and their blocks. */
export interface TapeView {
  files: { blocks: number; bytes: number }[];
  totalBytes: number;
  /** The tape's catalog (docs/architecture.md "The catalog") with the run's verdicts, or null. */
  catalog: CatalogView | null;
  /** The AWSTAPE image, for download; null if the run wrote none. */
  image: Uint8Array | null;
}

/** One restore point of the catalog, with the oracle's verdict on it when the run has one. */
export interface PointView {
  point: number;
  level: 'full' | 'incremental';
  /** Tape file holding its blocks (1-based) and the point it builds on. */
  file: number;
  base: number | null;
  split: number;
  splitAt: number;
  lba: number;
  blocks: number;
  /** Blocks the file holds, and in how many runs. */
  dataBlocks: number;
  runs: number;
  verified: boolean | null;
  reason?: string;
}

export interface CatalogView {
  /** The tape file holding the catalog, and those holding earlier (superseded) ones. */
  file: number;
  earlier: number[];
  points: PointView[];
  /** The run's restores and their verdicts (read back from the destination). */
  restores: { point: number; to: 'disk' | 'svol'; verified: boolean; blocks: number; reason?: string }[];
}

export interface RunView {
  events: SimEvent[];
  endT: number;
  series: SeriesView;
  result: ResultView;
  tape: TapeView;
  /** Digest of the event log: equal digests, equal timelines (permalink check). */
  digest: string;
}

/** Fractions of set bits (0..1) per cell of `per` blocks: cell c covers [c·per, (c+1)·per). */
export function bucketFractions(view: BitmapView, per: number, nCells: number): Float32Array {
  const out = new Float32Array(nCells);
  const n = view.nBlocks;
  for (let cell = 0; cell < nCells; cell++) {
    const a = cell * per, b = Math.min(n, a + per);
    if (b <= a) continue;
    let set = 0;
    if (view.bits) {
      for (let i = a; i < b; i++) set += (view.bits[i >> 3] >> (i & 7)) & 1;
    } else if (view.buckets) {
      // Runtime buckets of another size: spread each bucket's count evenly over its blocks.
      const { blocksPerBucket: q, counts } = view.buckets;
      for (let k = Math.floor(a / q); k * q < b && k < counts.length; k++) {
        const lo = Math.max(a, k * q), hi = Math.min(b, (k + 1) * q, n);
        const size = Math.min(n, (k + 1) * q) - k * q;
        if (hi > lo && size > 0) set += (counts[k] * (hi - lo)) / size;
      }
    }
    out[cell] = Math.min(1, set / (b - a));
  }
  return out;
}

/** One command on the wire, as the hex view shows it. */
export interface ExchangeView {
  title: string;
  /** Who sends it to whom, e.g. '101 → 501 via 603'. */
  path: string;
  cdb: Uint8Array;
  /** Parameter list (data-out), e.g. the EXTENDED COPY list. */
  dataOut: Uint8Array | null;
  /** 'GOOD' or 'CHECK CONDITION'. */
  status: string;
  /** Data-in and which decoder reads it. */
  dataIn: Uint8Array | null;
  dataInKind: 'copy-status' | 'pair-query' | null;
  sense: Uint8Array | null;
  /** When the runtime answered, and anything else worth a line. */
  notes: string[];
}
