/**
 * A bitmap as a heat map on <canvas>: the differential bitmap 514 (blocks whose update has
 * not reached the S-VOL yet, docs/patent.md#parts) and, beside it, the post-split change
 * bitmap. Each cell is a bucket of blocks; its colour is the fraction of set bits. The
 * backup range is outlined, and a block the tape got wrong is marked with a cross. A key
 * under each map says what the colours mean. The canvas has a fixed size so nothing around
 * it moves while the sim runs.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { BitmapView } from '../ui/view-model.ts';
import { bucketFractions } from '../ui/view-model.ts';

const COLS = 64;
const MAX_CELLS = 64 * 32;
const W = 296;
const H = 96;

interface Props {
  label: string;
  /** Reference number or short tag shown before the label, e.g. "514". */
  tag: string;
  view: BitmapView;
  /** Half-open block range [start, end) to outline (the backup range, 511). */
  range?: readonly [number, number] | null;
  /** Base hue of a fully set cell. */
  hue: number;
  testId: string;
  /** What a set cell means, for the key ("pending: not yet on the S-VOL"). */
  setMeaning: string;
  blockBytes: number;
  /** A block to mark (the first block the tape got wrong), or null. */
  mark?: { block: number; label: string } | null;
}

export function BitmapHeatmap({ label, tag, view, range, hue, testId, setMeaning, blockBytes, mark }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // A whole number of blocks per cell, so "1 cell = k blocks" is exact.
  const perCell = Math.max(1, Math.ceil(view.nBlocks / MAX_CELLS));
  const nCells = Math.max(1, Math.ceil(view.nBlocks / perCell));
  const rows = Math.ceil(nCells / COLS);
  const cols = Math.min(COLS, nCells);

  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = W * dpr;
    c.height = H * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const fr = bucketFractions(view, perCell, nCells);
    const cw = W / cols, ch = H / rows;
    // Cells of the backup range (511) at full strength, the rest dimmed, and the range's
    // outer boundary stroked: readable whether the range is one row or the whole volume.
    const hasRange = !!range && range[1] > range[0];
    const a = hasRange ? Math.floor(range![0] / perCell) : 0;
    const b = hasRange ? Math.min(nCells - 1, Math.ceil(range![1] / perCell) - 1) : nCells - 1;
    const inRange = (i: number) => i >= a && i <= b && i < nCells;
    for (let i = 0; i < nCells; i++) {
      const x = (i % cols) * cw, y = Math.floor(i / cols) * ch;
      const f = fr[i];
      // Empty cells are a calm grey; any set bit is visibly coloured (lightness starts at
      // 70%) so a single pending block in a big bucket is never invisible.
      ctx.globalAlpha = inRange(i) ? 1 : 0.35;
      ctx.fillStyle = f === 0 ? '#e8ebef' : `hsl(${hue} 85% ${Math.round(70 - 40 * f)}%)`;
      ctx.fillRect(x + 0.5, y + 0.5, Math.max(cw - 1, 0.5), Math.max(ch - 1, 0.5));
    }
    ctx.globalAlpha = 1;
    if (hasRange) {
      ctx.strokeStyle = '#1b4fd8';
      ctx.lineWidth = 2;
      ctx.beginPath();
      for (let i = a; i <= b; i++) {
        const x = (i % cols) * cw, y = Math.floor(i / cols) * ch;
        const edge = (x1: number, y1: number, x2: number, y2: number) => { ctx.moveTo(x1, y1); ctx.lineTo(x2, y2); };
        if (!inRange(i - cols)) edge(x, y + 1, x + cw, y + 1);
        if (!inRange(i + cols)) edge(x, y + ch - 1, x + cw, y + ch - 1);
        if (i % cols === 0 || !inRange(i - 1)) edge(x + 1, y, x + 1, y + ch);
        if (i % cols === cols - 1 || !inRange(i + 1)) edge(x + cw - 1, y, x + cw - 1, y + ch);
      }
      ctx.stroke();
    }
    if (mark && mark.block >= 0 && mark.block < view.nBlocks) {
      // The bad block: a red cross over its cell, drawn large enough to find at a glance.
      const i = Math.floor(mark.block / perCell);
      const x = (i % cols) * cw + cw / 2, y = Math.floor(i / cols) * ch + ch / 2;
      const r = Math.max(5, Math.min(cw, ch));
      ctx.strokeStyle = '#a40e26';
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r);
      ctx.moveTo(x + r, y - r); ctx.lineTo(x - r, y + r);
      ctx.stroke();
    }
  }, [view, range, hue, nCells, rows, cols, perCell, mark?.block]);

  const set = view.setCount;
  const kib = blockBytes >= 1024 ? `${blockBytes / 1024} KiB` : `${blockBytes} B`;
  return (
    <figure class="heat" data-testid={testId} data-set={set} data-mark={mark ? String(mark.block) : ''}>
      <figcaption>
        {label} <span class="ref">{tag}</span>
        <span class="heat-count"> {set.toLocaleString('en')} of {view.nBlocks.toLocaleString('en')} blocks</span>
      </figcaption>
      <canvas ref={canvas} style={{ width: `${W}px`, height: `${H}px` }}
        role="img" aria-label={`${label}: ${set} of ${view.nBlocks} blocks set${mark ? `; ${mark.label}` : ''}`} />
      <div class="heat-legend">
        <span><i class="sw" style={{ background: `hsl(${hue} 85% 45%)` }} /> {setMeaning}</span>
        <span><i class="sw" style={{ background: '#e8ebef' }} /> clear</span>
        {range && range[1] > range[0] && <span class="heat-range"><i class="sw range" /> backup range {range[0]}–{range[1] - 1}</span>}
        {mark && <span class="heat-bad">✕ {mark.label}</span>}
        <span>1 cell = {perCell === 1 ? '1 block' : `${perCell} blocks`} of {kib}</span>
      </div>
    </figure>
  );
}
