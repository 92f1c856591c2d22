/**
 * Charts over time: pending blocks in 514, throughput and
 * client write latency, drawn with uPlot (small and fast, canvas-based). A cursor line
 * marks the playhead. Progress bars for the long work (formation copy, differential copy,
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
}

/** One uPlot chart; created once per series identity, the playhead moves without redraw of data. */
function Chart({ title, unit, t, ys, color, time, testId }: ChartProps) {
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
      axes: [{ label: 'ms', size: 34 }, { label: unit, size: 52 }],
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
  }, [t, ys, title, unit, color]);

  useEffect(() => { plot.current?.redraw(false, false); }, [time]);

  return (
    <figure class="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div ref={host} style={{ width: `${W}px`, height: `${H + 8}px` }} />
    </figure>
  );
}

export function Charts({ series, time }: { series: SeriesView; time: number }) {
  return (
    <div class="charts" data-testid="charts">
      <Chart title="Pending blocks in differential 514" unit="blocks" t={series.t} ys={series.pending}
        color="#d9480f" time={time} testId="chart-pending" />
      <Chart title="Backup throughput to tape 303" unit="MB/s" t={series.t} ys={series.throughput}
        color="#2b8a3e" time={time} testId="chart-throughput" />
      <Chart title="Client write latency (max per interval)" unit="ms" t={series.t} ys={series.latency}
        color="#5f3dc4" time={time} testId="chart-latency" />
    </div>
  );
}

export function ProgressBars({ items }: { items: readonly ProgressView[] }) {
  return (
    <div class="progress-list" data-testid="progress">
      {items.map((p) => {
        const pct = p.total > 0 ? Math.min(100, (100 * p.done) / p.total) : 0;
        return (
          <div class="progress-item" key={p.label}>
            <span class="progress-label">{p.label}</span>
            <progress max={p.total || 1} value={p.done} aria-label={p.label} />
            <span class="progress-num">{p.done}/{p.total} ({pct.toFixed(0)}%)</span>
          </div>
        );
      })}
    </div>
  );
}
