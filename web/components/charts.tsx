/**
 * Charts over time: pending blocks in the differential 514, backup throughput and the
 * client's write latency, drawn with uPlot (small and fast, canvas-based). The x axis says
 * which clock: simulated ms (the sim) or wall-clock ms (a live run). A cursor line marks
 * the playhead. Progress bars for the long work (formation copy, differential copy,
 * backup) sit beside them.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ProgressView, SeriesView } from '../ui/view-model.ts';

const W = 380;
const H = 150;

interface ChartProps {
  title: string;
  unit: string;
  t: number[];
  ys: (number | null)[];
  color: string;
  time: number;
  testId: string;
  xUnit: string;
}

/** One uPlot chart; created once per series identity, the playhead moves without redraw of data. */
function Chart({ title, unit, t, ys, color, time, testId, xUnit }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const timeRef = useRef(time);
  timeRef.current = time;

  useEffect(() => {
    if (!host.current) return;
    const opts: uPlot.Options = {
      width: W,
      height: H,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false } },
      axes: [{ label: xUnit, size: 34 }, { label: unit, size: 52 }],
      series: [{}, { label: title, stroke: color, width: 1.5, fill: `${color}22`, spanGaps: false }],
      hooks: {
        draw: [(u) => {
          // Playhead: a vertical line at the current sim time.
          const x = u.valToPos(timeRef.current, 'x', true);
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = '#1b4fd8';
          ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.restore();
        }],
      },
    };
    plot.current = new uPlot(opts, [t, ys], host.current);
    return () => { plot.current?.destroy(); plot.current = null; };
  }, [t, ys, title, unit, color, xUnit]);

  useEffect(() => { plot.current?.redraw(false, false); }, [time]);

  return (
    <figure class="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div ref={host} style={{ width: `${W}px`, height: `${H + 8}px` }} />
    </figure>
  );
}

export function Charts({ series, time, xUnit = 'simulated ms' }: { series: SeriesView; time: number; xUnit?: string }) {
  return (
    <div class="charts" data-testid="charts">
      <Chart title="Pending blocks in the differential (514)" unit="blocks" t={series.t} ys={series.pending}
        color="#d9480f" time={time} testId="chart-pending" xUnit={xUnit} />
      <Chart title="Backup throughput to tape (303)" unit="MB/s" t={series.t} ys={series.throughput}
        color="#2b8a3e" time={time} testId="chart-throughput" xUnit={xUnit} />
      <Chart title="Client write latency (slowest per interval)" unit="ms" t={series.t} ys={series.latency}
        color="#5f3dc4" time={time} testId="chart-latency" xUnit={xUnit} />
    </div>
  );
}

/** The long jobs as bars; `note` says the units (blocks, tape records). */
export function ProgressBars({ items, note }: { items: readonly ProgressView[]; note?: string }) {
  return (
    <div class="progress-list" data-testid="progress">
      {items.map((p) => {
        const pct = p.total > 0 ? Math.min(100, (100 * p.done) / p.total) : 0;
        return (
          <div class="progress-item" key={p.label} data-label={p.label}>
            <span class="progress-label">{p.label}</span>
            <progress max={p.total || 1} value={p.done} aria-label={p.label} />
            <span class="progress-num">{p.done.toLocaleString('en')} / {p.total.toLocaleString('en')} ({pct.toFixed(0)}%)</span>
          </div>
        );
      })}
      {note && <p class="progress-note">{note}</p>}
    </div>
  );
}

/** "Blocks of 4 KiB; tape records of 8 blocks (32 KiB)." */
export function unitsNote(blockBytes: number, transferBlocks: number | null): string {
  const kib = (b: number) => (b >= 1024 ? `${+(b / 1024).toFixed(1)} KiB` : `${b} B`);
  return `Counts are blocks of ${kib(blockBytes)}` + (transferBlocks ? `; the backup writes tape records of ${transferBlocks} blocks (${kib(transferBlocks * blockBytes)}).` : '.');
}
