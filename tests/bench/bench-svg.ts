/**
 * Hand-written SVG charts for bench/results/ (a few lines, so no new dependency):
 * a line chart (polylines over linear axes) and a grouped bar chart with min–max whiskers.
 * Plain strings, small and diff-friendly, readable in any browser or on GitHub.
 */

export interface LineSeries { label: string; points: [number, number][] }
export interface BarGroup { label: string; bars: { series: string; median: number; min: number; max: number }[] }

const W = 640, H = 360, L = 64, R = 160, T = 36, B = 48;
const COLORS = ['#1f6feb', '#d1242f', '#2da44e', '#bf8700', '#8250df', '#57606a'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toString() : Number(x.toPrecision(3)).toString());
const finite = (xs: number[]) => xs.filter(Number.isFinite);

/** A "nice" upper bound for an axis (1, 2 or 5 × 10^k at or above `x`). */
export function niceMax(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const k = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * k >= x) return m * k;
  return 10 * k;
}

function frame(title: string, xLabel: string, yLabel: string, yMax: number, body: string, legend: string[]): string {
  const ph = H - T - B;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = T + ph - f * ph;
    return `<line x1="${L}" x2="${W - R}" y1="${y}" y2="${y}" stroke="#d0d7de"/><text x="${L - 6}" y="${y + 4}" text-anchor="end">${num(f * yMax)}</text>`;
  }).join('');
  const leg = legend.map((s, i) =>
    `<rect x="${W - R + 12}" y="${T + i * 18}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${W - R + 28}" y="${T + i * 18 + 9}">${esc(s)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="13">${esc(title)}</text>
${ticks}
<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#57606a"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#57606a"/>
<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>
<text transform="translate(14 ${T + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>
${body}
${leg}
</svg>
`;
}

export function lineChart(title: string, xLabel: string, yLabel: string, series: LineSeries[]): string {
  const xs = finite(series.flatMap((s) => s.points.map((p) => p[0])));
  const ys = finite(series.flatMap((s) => s.points.map((p) => p[1])));
  const xMax = niceMax(Math.max(0, ...xs));
  const yMax = niceMax(Math.max(0, ...ys));
  const px = (x: number) => L + (x / xMax) * (W - R - L);
  const py = (y: number) => H - B - (y / yMax) * (H - T - B);
  const xTicks = [...new Set(xs)].map((x) =>
    `<text x="${px(x).toFixed(1)}" y="${H - B + 14}" text-anchor="middle">${num(x)}</text>`).join('');
  const lines = series.map((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    const c = COLORS[i % COLORS.length];
    const poly = pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    const dots = pts.map(([x, y]) => `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${c}"/>`).join('');
    return `<polyline fill="none" stroke="${c}" stroke-width="2" points="${poly}"/>${dots}`;
  }).join('\n');
  return frame(title, xLabel, yLabel, yMax, xTicks + '\n' + lines, series.map((s) => s.label));
}

export function barChart(title: string, yLabel: string, groups: BarGroup[]): string {
  const names = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.series)))];
  const yMax = niceMax(Math.max(0, ...finite(groups.flatMap((g) => g.bars.flatMap((b) => [b.median, b.max])))));
  const gw = (W - R - L) / Math.max(1, groups.length);
  const bw = (gw * 0.8) / Math.max(1, names.length);
  const py = (y: number) => H - B - (Math.max(0, y) / yMax) * (H - T - B);
  const body = groups.map((g, gi) => {
    const x0 = L + gi * gw + gw * 0.1;
    const bars = g.bars.filter((b) => Number.isFinite(b.median)).map((b) => {
      const i = names.indexOf(b.series);
      const x = x0 + i * bw;
      const c = COLORS[i % COLORS.length];
      const whisker = Number.isFinite(b.min) && Number.isFinite(b.max)
        ? `<line x1="${(x + bw / 2).toFixed(1)}" x2="${(x + bw / 2).toFixed(1)}" y1="${py(b.min).toFixed(1)}" y2="${py(b.max).toFixed(1)}" stroke="#24292f"/>` : '';
      return `<rect x="${x.toFixed(1)}" y="${py(b.median).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(H - B - py(b.median)).toFixed(1)}" fill="${c}"/>${whisker}`;
    }).join('');
    return `${bars}<text x="${(x0 + gw * 0.4).toFixed(1)}" y="${H - B + 14}" text-anchor="middle">${esc(g.label)}</text>`;
  }).join('\n');
  return frame(title, '', yLabel, yMax, body, names);
}
