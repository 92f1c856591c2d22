/**
 * A bitmap as a heat map on <canvas>: the inter-pair differential 514 (blocks whose update
 * has not reached the S-VOL yet, docs/patent.md#parts) and, beside it, the post-split
 * change bitmap (docs/patent.md#the-point-in-time-rule). Each cell is a
 * bucket of blocks; its colour is the fraction of set bits. The backup range is outlined.
 * The canvas has a fixed size so nothing around it moves while the sim runs.
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
}

export function BitmapHeatmap({ label, tag, view, range, hue, testId }: Props) {
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
  }, [view, range, hue, nCells, rows, cols, perCell]);

  const set = view.setCount;
  return (
    <figure class="heat" data-testid={testId} data-set={set}>
      <figcaption>
        <span class="ref">{tag}</span> {label}
        <span class="heat-count"> {set.toLocaleString('en')} / {view.nBlocks.toLocaleString('en')}</span>
      </figcaption>
      <canvas ref={canvas} style={{ width: `${W}px`, height: `${H}px` }}
        role="img" aria-label={`${label}: ${set} of ${view.nBlocks} blocks set`} />
      <div class="heat-legend">
        1 cell = {perCell === 1 ? '1 block' : `${perCell} blocks`}
        {range && range[1] > range[0] && <span class="heat-range"> ▭ backup range {range[0]}–{range[1] - 1}</span>}
      </div>
    </figure>
  );
}
