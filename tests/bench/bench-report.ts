/**
 * What `npm run bench` prints and writes: the terminal table, the one
 * JSON document (its type, BenchDoc), and the Markdown report with its SVG charts under
 * bench/results/. Every figure shows its median and spread (min–max, n); every target
 * shows value, limit, ratio and whether it was met, a target missed saying so.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from './bench-plan.ts';
import { ACK_SERIES, BACKUP_MODES, INCREMENTAL_CHANGED, stageKey } from './bench-plan.ts';
import { ACK_STAGES } from '../../src/runtime/ack-stages.ts';
import { incrementalKey } from './bench-incremental.ts';
import type { Figure } from './bench-measure.ts';
import { fmt, type Target } from './bench-stats.ts';
import type { Probe } from './bench-capacity.ts';
import { barChart, lineChart } from './bench-svg.ts';

export interface BenchDoc {
  tool: 'splitstream bench';
  version: 1;
  date: string;
  smoke: boolean;
  options: BenchOptions;
  browser: { name: 'chromium'; version: string; userAgent: string };
  machine: { os: string; arch: string; cpus: number; cpuModel: string; memoryBytes: number; node: string };
  availableBytes: number | null;
  figures: Record<string, Figure>;
  targets: Target[];
  verified: Record<string, { ok: number; runs: number }>;
  /** The capacity searches: every offered rate probed, its p99 and whether it kept the bound. */
  searches: Record<string, Probe[]>;
  core: { node: Record<string, number | string | null> | null; cScanGBps: number | null; cMemcpyGBps: number | null; cNote: string };
  skipped: { what: string; why: string }[];
  errors: string[];
}

/** One row per figure: key, median, spread, n, what it is. */
export function figureRows(figures: Record<string, Figure>): string[][] {
  return Object.entries(figures).map(([k, f]) => [
    k, `${fmt(f.median)} ${f.unit}`, f.n > 1 ? `${fmt(f.min)}–${fmt(f.max)}` : '', `n=${f.n}`, f.label,
  ]);
}

function rows(doc: BenchDoc): { figures: string[][]; targets: string[][] } {
  // The stages of the write acks have a table of their own (stagesTable).
  const figures = figureRows(Object.fromEntries(Object.entries(doc.figures).filter(([k]) => !k.includes('.stage.'))));
  const targets = doc.targets.map((t) => [
    t.text, `${fmt(t.value)} ${t.unit}`, `${fmt(t.limit)} ${t.unit}`, fmt(t.ratio), boundText(t),
    t.met === null ? 'reported' : t.met ? 'met' : 'NOT MET',
  ]);
  return { figures, targets };
}

/** "≤ 1.5 ×" on the ratio, "≤ 0.2 ms" on the value, "—" for a figure reported without a bound. */
function boundText(t: Target): string {
  if (t.kind === 'report' || t.bound === null) return '—';
  return `${t.kind === 'max' ? '≤' : '≥'} ${t.bound}${t.on === 'value' ? ` ${t.unit}` : ' ×'}`;
}

export function pad(table: string[][]): string {
  const w = table[0].map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  return table.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ')).join('\n');
}

export function terminalTable(doc: BenchDoc): string {
  const { figures, targets } = rows(doc);
  const out = [
    `splitstream bench — Chromium ${doc.browser.version}, ${doc.machine.os}, ${doc.machine.cpus} × ${doc.machine.cpuModel}`,
    '',
    pad([['figure', 'median', 'min–max', 'n', 'what'], ...figures]),
    '',
    ...(targets.length ? [pad([['target', 'value', 'limit', 'ratio', 'bound', ''], ...targets]), ''] : []),
    stagesTable(doc, false),
    '',
    incrementalTable(doc, false),
  ];
  out.push('', `verified by the oracle: ${verifiedList(doc)}`, nodeLine(doc));
  for (const s of doc.skipped) out.push(`skipped: ${s.what}: ${s.why}`);
  for (const e of doc.errors) out.push(`error: ${e}`);
  return out.join('\n');
}

/** The same core figures from `npm run bench:core` in Node, for comparison with the browser's. */
function nodeLine(doc: BenchDoc): string {
  const n = doc.core.node;
  if (!n) return `core in Node: not run; C baseline (${doc.core.cNote}): scan ${fmt(doc.core.cScanGBps)} GB/s, memcpy ${fmt(doc.core.cMemcpyGBps)} GB/s`;
  return `core in Node (npm run bench:core): scan ${n.scanGBps} GB/s, copy ${n.copyGBps}, merge ${n.mergeGBps}, CRC-32C ${n.checksumGBps} GB/s, ` +
    `16 TiB walk ${n.summaryScanMs} ms; C (${doc.core.cNote}): scan ${n.cScanGBps} GB/s, memcpy ${n.cMemcpyGBps} GB/s`;
}

const mdTable = (head: string[], body: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/**
 * The scale points side by side (medians): the E3 backup against the raw copy of the same
 * range at each size. The fixed cost of a backup (its command path, about 10–20 ms) weighs
 * on a small range and fades on a large one, which the ratio column shows.
 */
function scaleTable(doc: BenchDoc): string {
  const f = doc.figures;
  const med = (k: string) => f[k]?.median ?? NaN;
  const rows = doc.options.scale.filter((s) => f[`scale.${s}.backupMs`]).map((s) => {
    const e3 = med(`scale.${s}.backupMs`), raw = med(`scale.${s}.rawCopyMs`);
    return [`${s} MiB`, `${fmt(e3)} ms`, `${fmt(raw)} ms`, fmt(e3 / raw), `${fmt(med(`scale.${s}.splitAckMs`))} ms`];
  });
  if (rows.length === 0) return 'No scale point ran.';
  return mdTable(['volume', 'E3 backup (10% range)', 'raw OPFS copy of the range', 'E3 ÷ raw copy', 'split ack (client)'], rows);
}

/**
 * Where a client write's time went, per write-ack series (medians over the runs): each
 * stage's p50 and p99 (src/runtime/ack-stages.ts), under the write's whole latency. A stage's
 * percentiles are its own, so a column's stages need not add up to its latency.
 */
export function stagesTable(doc: BenchDoc, md = true): string {
  const f = doc.figures;
  const cell = (k: string) => (f[k] ? `${fmt(f[k].median)}` : '—');
  const series = ACK_SERIES.filter(([s]) => f[stageKey(s, 'journal', 'p50')]);
  if (series.length === 0) return 'No write-ack run carried its stages.';
  const head = ['ms', ...series.flatMap(([, what]) => [`${what} p50`, 'p99'])];
  const body = [
    ...ACK_STAGES.map((stage) => [stage, ...series.flatMap(([s]) => [cell(stageKey(s, stage, 'p50')), cell(stageKey(s, stage, 'p99'))])]),
    ['the whole ack', ...series.flatMap(([s]) => [cell(`live.writeAck.${s}.p50Ms`), cell(`live.writeAck.${s}.p99Ms`)])],
  ];
  return md ? mdTable(head, body) : pad([head, ...body]);
}

/** Every rate each capacity search offered, with its p99 (ms) and whether it kept the bound. */
function searchTable(doc: BenchDoc): string {
  const rows = Object.entries(doc.searches ?? {}).map(([k, ps]) =>
    [k, ps.map((p) => `${p.rate}: ${Number.isFinite(p.p99Ms) ? `${fmt(p.p99Ms)} ms` : 'failed'}${p.ok ? '' : ' ✗'}`).join(', ')]);
  if (rows.length === 0) return 'No search ran.';
  return mdTable(['search', 'offered writes/s: p99 (✗: over the bound)'], rows);
}

/**
 * Incremental against full, side by side (medians): per changed fraction, the full backup of
 * the volume and the incremental of the same run, and the raw copy of as many blocks as the
 * incremental held (bench-incremental.ts).
 */
export function incrementalTable(doc: BenchDoc, md = true): string {
  const f = doc.figures;
  const med = (k: string) => f[k]?.median ?? NaN;
  const rows = INCREMENTAL_CHANGED.map(incrementalKey).filter((k) => f[`${k}.incMs`]).map((k) => {
    const full = med(`${k}.fullMs`), inc = med(`${k}.incMs`), raw = med(`${k}.rawMs`);
    return [`${fmt(med(`${k}.changedPct`))} %`, `${fmt(full)} ms`, `${fmt(inc)} ms`, fmt(inc / full), `${fmt(raw)} ms`, fmt(inc / raw), fmt(med(`${k}.runs`))];
  });
  if (rows.length === 0) return 'The incremental series did not run.';
  const head = ['changed', 'full backup', 'incremental', 'incremental ÷ full', 'raw copy of as many blocks', 'incremental ÷ raw copy', 'runs'];
  return md ? mdTable(head, rows) : pad([head, ...rows]);
}

export function markdown(doc: BenchDoc): string {
  const { figures, targets } = rows(doc);
  const met = doc.targets.filter((t) => t.met).length;
  const bounded = doc.targets.filter((t) => t.met !== null).length;
  return `# splitstream benchmark results

Written by \`npm run bench\` (tests/bench/bench-run.ts) on ${doc.date}: Chromium ${doc.browser.version},
${doc.machine.os} ${doc.machine.arch}, ${doc.machine.cpus} × ${doc.machine.cpuModel}, ${Math.round(doc.machine.memoryBytes / 2 ** 30)} GiB,
Node ${doc.machine.node}. Live runtime, OPFS on disk (persistent context). Every figure is the median of its
repetitions with min–max; every target stands beside a limit of this machine measured in the same
run (a hop between two workers and a 4 KiB OPFS write for the acks, the fair raw OPFS copy of the
range for the backups, the C baseline for the core); a bound on "×" applies to the ratio, one in
ms or writes/s to the figure itself. Series compared with each other ran rep by rep in turn (the
three pending levels; every backup mode with its raw copies; the write-ack runs). Times "as the
client sees it" are taken when the answer reaches the servers' worker. ${met} of ${bounded} targets met. How the live
runtime moves the data, and what bounds the figures that miss their target: [docs/live.md](../../docs/live.md).

Options: volume ${doc.options.mib} MiB, ${doc.options.reps} repetitions (scale: ${doc.options.scaleReps}), client ${doc.options.rate} writes/s.

## Targets

${mdTable(['target', 'value', 'limit', 'ratio', 'bound', 'met'], targets)}

## Where a write's time goes

Each stage of a client write's acknowledgement ([docs/live.md](../../docs/live.md#where-a-writes-time-goes)):
\`issue\` the client's own lateness in sending it, \`port\` waiting in port 401 for the array's
worker, \`journal\` its batch's journal record written, \`cache\` 501's step (and any copy before
write), \`answer\` back to the client.

${stagesTable(doc)}

## Capacity searches

${searchTable(doc)}

## Scale

${scaleTable(doc)}

## Incremental against full

${incrementalTable(doc)}

## Figures

${mdTable(['figure', 'median', 'min–max', 'n', 'what'], figures)}

Verified by the oracle: ${verifiedList(doc)}.

${nodeLine(doc)}.
${doc.skipped.map((s) => `\nSkipped: ${s.what}: ${s.why}.`).join('')}
${doc.errors.map((e) => `\nError: ${e}`).join('')}

## Charts

![backup per mode](backup.svg)
![client latency](latency.svg)
![scale: backup](scale-backup.svg)
![scale: split ack](scale-split.svg)
`;
}

export function charts(doc: BenchDoc): Record<string, string> {
  const f = doc.figures;
  const bar = (key: string, series: string) => {
    const x = f[key];
    return { series, median: x?.median ?? NaN, min: x?.min ?? NaN, max: x?.max ?? NaN };
  };
  const raw = bar('limit.rawCopyMs', 'fair raw OPFS copy (limit)');
  const backup = barChart('Backup command → done, 50% pending, 10% range', 'ms', [
    { label: 'raw copy', bars: [raw, bar('limit.rawCopyUnitMs', 'raw copy in transfer units')] },
    ...BACKUP_MODES.map((m) => ({ label: m, bars: [bar(`backup.${m}.doneMs`, 'backup'), bar(`backup.${m}.splitToDoneMs`, 'split → backup done'),
      bar(`alone.${m}.doneMs`, 'backup, no client writes')] })),
  ]);
  const latency = barChart('Client write latency', 'ms', [
    ...(['idle', 'flush', 'backupE3', 'backupE1'] as const).map((k) => ({ label: k === 'idle' ? 'preset, idle' : k === 'flush' ? "preset, 'flush'" : `preset, ${k.slice(-2)}`,
      bars: [bar(`live.writeAck.${k}.p50Ms`, 'p50'), bar(`live.writeAck.${k}.p99Ms`, 'p99')] })),
    ...BACKUP_MODES.map((m) => ({ label: m, bars: [bar(`backup.${m}.writeP50Ms`, 'p50'), bar(`backup.${m}.writeP99Ms`, 'p99')] })),
  ]);
  const pts = (k: string): [number, number][] => doc.options.scale.map((s) => [s, f[`scale.${s}.${k}`]?.median ?? NaN]);
  const scaleBackup = lineChart('Scale: E3 backup of 10% of the volume', 'volume (MiB)', 'ms', [
    { label: 'E3 backup', points: pts('backupMs') }, { label: 'raw OPFS copy', points: pts('rawCopyMs') },
  ]);
  const scaleSplit = lineChart('Scale: split ack as the client sees it', 'volume (MiB)', 'ms', [{ label: 'split ack', points: pts('splitAckMs') }]);
  return { 'backup.svg': backup, 'latency.svg': latency, 'scale-backup.svg': scaleBackup, 'scale-split.svg': scaleSplit };
}

export function writeReport(doc: BenchDoc, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = { 'README.md': markdown(doc), ...charts(doc) };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files).map((n) => join(dir, n));
}

/** Runs verified per series (the series without a backup have nothing to verify and are not listed). */
function verifiedList(doc: BenchDoc): string {
  return Object.entries(doc.verified).map(([k, x]) => `${k} ${x.ok}/${x.runs}`).join(', ');
}
