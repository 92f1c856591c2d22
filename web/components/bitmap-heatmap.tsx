/**
 * A bitmap as a heat map on <canvas> (issue 7): the inter-pair differential 514 (blocks
 * whose update has not reached the S-VOL yet, SPEC.md parts table) and, beside it, the
 * post-split change bitmap (SPEC.md "What the patent leaves implicit"). Each cell is a
 * bucket of blocks; its colour is the fraction of set bits. The backup range is outlined.
 * The canvas has a fixed size so nothing around it moves while the sim runs.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { BitmapView } from '../ui/view-model.ts';
import { bucketFractions } from '../ui/view-model.ts';

const COLS = 64;
const MAX_CELLS = 64 * 24;
const W = 320;
const H = 120;

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
  const nCells = Math.max(1, Math.min(MAX_CELLS, view.nBlocks));
  const perCell = view.nBlocks / nCells;
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
    const fr = bucketFractions(view, nCells);
    const cw = W / cols, ch = H / rows;
    for (let i = 0; i < nCells; i++) {
      const x = (i % cols) * cw, y = Math.floor(i / cols) * ch;
      const f = fr[i];
      // Empty cells are a calm grey; any set bit is visibly coloured (min 35% lightness
      // step) so a single pending block in a big bucket is never invisible.
      ctx.fillStyle = f === 0 ? '#e8ebef' : `hsl(${hue} 85% ${Math.round(70 - 40 * f)}%)`;
      ctx.fillRect(x + 0.5, y + 0.5, Math.max(cw - 1, 0.5), Math.max(ch - 1, 0.5));
    }
    if (range && range[1] > range[0]) {
      ctx.strokeStyle = '#1b4fd8';
      ctx.lineWidth = 2;
      const a = Math.floor(range[0] / perCell);
      const b = Math.min(nCells - 1, Math.ceil(range[1] / perCell) - 1);
      for (let r = Math.floor(a / cols); r <= Math.floor(b / cols); r++) {
        const c0 = r === Math.floor(a / cols) ? a % cols : 0;
        const c1 = r === Math.floor(b / cols) ? b % cols : cols - 1;
        ctx.strokeRect(c0 * cw + 1, r * ch + 1, (c1 - c0 + 1) * cw - 2, ch - 2);
      }
    }
  }, [view, range, hue, nCells, rows, cols, perCell]);

  const set = view.setCount;
  return (
    <figure class="heat" data-testid={testId} data-set={set}>
      <figcaption>
        <span class="ref">{tag}</span> {label}
        <span class="heat-count"> {set.toLocaleString('en')} / {view.nBlocks.toLocaleString('en')} blocks</span>
      </figcaption>
      <canvas ref={canvas} style={{ width: `${W}px`, height: `${H}px` }}
        role="img" aria-label={`${label}: ${set} of ${view.nBlocks} blocks set`} />
      <div class="heat-legend">
        1 cell = {perCell <= 1 ? '1 block' : `${perCell.toFixed(perCell % 1 ? 1 : 0)} blocks`}
        {range && range[1] > range[0] && <span class="heat-range"> ▭ backup range {range[0]}–{range[1] - 1}</span>}
      </div>
    </figure>
  );
}
