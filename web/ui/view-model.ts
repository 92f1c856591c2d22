/**
 * What the views draw, in plain data (the "pure model / timeline / rendering" split of
 * STYLE.md): the sim worker turns the runtime's Snapshot into these, the components only
 * read them. Kept structured-clone friendly (it crosses the worker boundary).
 */
import type { Actor, SimEvent } from '../../src/runtime/events.ts';

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
  /** Pair state of the P-VOL (516) and of the S-VOL (517), SPEC.md "Pair states". */
  state516: string;
  state517: string;
  busy: Actor[];
  diff514: BitmapView;
  postSplit: BitmapView;
  backupRange: [number, number] | null;
  progress: ProgressView[];
  counters: Record<string, number>;
}

/** One series point set for the charts (issue 7 "Progress and figures"). */
export interface SeriesView {
  t: number[];
  pending: number[];
  /** Blocks per ms moved to S-VOL and tape, over the sampling interval. */
  throughput: number[];
  /** Client write latency (ms), per sample interval (max); NaN where no write. */
  latency: number[];
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
  /** Everything else the runtime reported, shown as a table. */
  extra: Record<string, string | number | boolean>;
}

/** Tape contents for the verdict view: files (between tapemarks) and their blocks. */
export interface TapeView {
  files: { blocks: number; bytes: number }[];
  totalBytes: number;
  /** The AWSTAPE image, for download; null if the run wrote none. */
  image: Uint8Array | null;
}

export interface RunView {
  events: SimEvent[];
  endT: number;
  series: SeriesView;
  result: ResultView;
  tape: TapeView;
}

/** Fractions of set bits in nCells equal buckets (0..1 each). */
export function bucketFractions(view: BitmapView, nCells: number): Float32Array {
  const out = new Float32Array(nCells);
  const n = view.nBlocks;
  if (n <= 0) return out;
  if (view.bits) {
    const bits = view.bits;
    for (let cell = 0; cell < nCells; cell++) {
      const a = Math.floor((cell * n) / nCells), b = Math.floor(((cell + 1) * n) / nCells);
      let set = 0;
      for (let i = a; i < b; i++) set += (bits[i >> 3] >> (i & 7)) & 1;
      out[cell] = b > a ? set / (b - a) : 0;
    }
  } else if (view.buckets) {
    const { blocksPerBucket: per, counts } = view.buckets;
    for (let cell = 0; cell < nCells; cell++) {
      const a = Math.floor((cell * n) / nCells), b = Math.floor(((cell + 1) * n) / nCells);
      let set = 0;
      for (let k = Math.floor(a / per); k < Math.ceil(b / per) && k < counts.length; k++) set += counts[k];
      const span = Math.ceil(b / per) * per - Math.floor(a / per) * per;
      out[cell] = span > 0 ? Math.min(1, set / span) : 0;
    }
  }
  return out;
}
