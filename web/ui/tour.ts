/**
 * The guided first run: eight steps that play the actual timeline of a preset and point at
 * the parts they talk about (docs/patent.md#the-problem, #the-flows). Each step names its
 * preset, the moment to seek to (found in the run's events by name, never by a hard-coded
 * time), what to highlight (CSS selectors of the page), and its words, filled in with the
 * run's own numbers. Pure: the Tour component plays it, tests/unit/ui-tour.test.ts checks
 * every step finds its moment in the real sim run.
 */
import type { SimEvent } from '../../src/array/events.ts';
import { blockRange } from './event-text.ts';
import { badBlockTrail, findEvent, keyMoment } from './key-moments.ts';

/** What a step reads from the run of its preset. */
export interface TourCtx {
  events: readonly SimEvent[];
  /** Pending blocks in 514 over time (the charts' series). */
  series: { t: readonly number[]; pending: readonly (number | null)[] };
  endT: number;
  blocks: number;
  firstBadBlock: number | null;
  /** The generation the tape holds at the first bad block (older than the split instant's 0). */
  tapeGen: number | null;
  splitAckMs: number | null;
}

export type TourTab = 'commands' | 'charts' | 'verdict' | 'compare';

export interface TourStep {
  id: string;
  title: string;
  /** The preset file (scenarios/*.json) the step plays. */
  preset: string;
  /**
   * Where to seek: the time, and the event the step is about (its row in the timeline is
   * lit), or null when the run has no such moment.
   */
  moment(c: TourCtx): { t: number; row: number | null } | null;
  /** Paragraphs; one starting with "• " is a list item. */
  body(c: TourCtx): string[];
  /** Selectors of what the step talks about. */
  targets: readonly string[];
  tab?: TourTab;
  /** Run Compare (every mode) for this step. */
  compare?: boolean;
}

const E1 = 'e1-priority-copy.json';
const NAIVE = 'naive-quick-split-inconsistent.json';
const part = (no: string) => `[data-part="${no}"]`;
const ROW = '[data-testid="sequence"] .seq-row[data-focus]';
const fmt = (v: number) => v.toLocaleString('en');
const ms = (t: number | null) => (t === null ? '—' : `${t.toFixed(3)} simulated ms`);

function detail(c: TourCtx, i: number): Record<string, number | string | boolean> {
  return (i >= 0 ? c.events[i].detail : undefined) ?? {};
}
const row = (c: TourCtx, i: number) => (i >= 0 ? { t: c.events[i].t, row: i } : null);
const time = (t: number | null) => (t === null ? null : { t, row: null });
const at = (c: TourCtx, i: number) => (i >= 0 ? c.events[i].t : null);
const splitIdx = (c: TourCtx) => findEvent(c.events, { ev: 'split', actor: '501' });
const cowIdx = (c: TourCtx) => findEvent(c.events, { ev: 'cow.done', when: (d) => Number(d.copied) > 0 });
const streamIdx = (c: TourCtx) => {
  const writes: number[] = [];
  c.events.forEach((e, i) => { if (e.ev === 'tape.write') writes.push(i); });
  return writes.length ? writes[Math.floor(writes.length * 0.3)] : -1;
};

/** First sample after the split where 514 holds at most half of what it held at the split. */
export function halfDrained(c: TourCtx): number | null {
  const s = splitIdx(c);
  if (s < 0) return null;
  const atSplit = Number(detail(c, s).pendingAtSplit ?? 0);
  const t0 = c.events[s].t;
  for (let k = 0; k < c.series.t.length; k++) {
    const p = c.series.pending[k];
    if (c.series.t[k] > t0 && p !== null && p <= atSplit / 2) return c.series.t[k];
  }
  return null;
}

export const TOUR: readonly TourStep[] = [
  {
    id: 'duplex', title: 'A pair in duplex', preset: E1,
    moment: () => time(0),
    body: (c) => {
      const s = splitIdx(c);
      const pend = Number(detail(c, s).pendingAtSplit ?? 0);
      return [
        'The client server (101) writes to its disk, the P-VOL (601). The array keeps a mirror of it, the S-VOL (602). The two form a pair; its state is duplex: they mirror.',
        `The mirror lags a little. The differential bitmap (514) marks in orange the blocks whose latest update has not reached the S-VOL yet: ${fmt(pend)} of ${fmt(c.blocks)} blocks here.`,
        'The goal: put on tape the volume exactly as it was at one instant, while the client keeps writing.',
      ];
    },
    targets: [part('101'), part('601'), part('602'), '[data-testid="pair-states"]', '[data-testid="heat-514"]'],
  },
  {
    id: 'split', title: 'The split, answered at once', preset: E1,
    moment: (c) => row(c, findEvent(c.events, { ev: 'split.ack', actor: '501' })),
    body: (c) => [
      'To start the backup, the client server splits the pair: from this instant the S-VOL is to stay frozen, a point-in-time copy, while the P-VOL goes on changing.',
      `The array answers at once, after ${ms(c.splitAckMs)}: a quick split. But the S-VOL is not there yet. The P-VOL side (516) reads split, the S-VOL side (517) split-pending: ${fmt(Number(detail(c, splitIdx(c)).pendingAtSplit ?? 0))} updates from before the split still have to reach it.`,
    ],
    targets: ['[data-testid="pair-states"]', ROW],
  },
  {
    id: 'copy-before-write', title: 'Copy before write', preset: E1,
    moment: (c) => row(c, cowIdx(c)),
    body: (c) => {
      const d = detail(c, cowIdx(c));
      return [
        `The client keeps writing. Here it writes ${blockRange(d)}, and ${Number(d.copied ?? 0) === 1 ? '1 of them still waits' : `${fmt(Number(d.copied ?? 0))} of them still wait`} for a pre-split update. The old data there is the split instant's, and the S-VOL does not have it yet: the write would destroy it.`,
        'So the disk processor (508) copies the old data to the S-VOL first, and only then lets the write through. That is copy before write; the client\'s write waits for it.',
      ];
    },
    targets: [part('508'), part('601'), part('602'), ROW],
  },
  {
    id: 'background', title: 'The background copy drains the differential', preset: E1,
    moment: (c) => time(halfDrained(c)),
    body: (c) => {
      const done = findEvent(c.events, { ev: 'split.complete' });
      return [
        'Meanwhile the disk processor copies every other pending block to the S-VOL in the background. The differential (514) empties and the "differential copy" bar fills; half of it is done here.',
        `When it is empty, at ${ms(at(c, done))}, the S-VOL side (517) reads split too: the S-VOL now holds the split instant everywhere.`,
      ];
    },
    targets: ['[data-testid="heat-514"]', '[data-testid="progress"]', part('508')],
  },
  {
    id: 'backup', title: 'The backup streams, server-free', preset: E1,
    moment: (c) => row(c, streamIdx(c)),
    body: () => [
      'The backup server (102) sent one SCSI command, EXTENDED COPY. The array streams the S-VOL to tape (303) by itself, record by record: a server-free backup. The backup did not wait for the background copy.',
      'But some S-VOL blocks are still stale. Streamed as they are, they would put old data on tape. The next step shows what happens without a guarantee.',
    ],
    targets: [part('102'), part('503'), part('303'), '[data-testid="progress"]', ROW],
  },
  {
    id: 'naive', title: 'The prior art fails', preset: NAIVE,
    moment: (c) => (c.firstBadBlock === null ? null : row(c, badBlockTrail(c.events, c.firstBadBlock).readIndex)),
    body: (c) => {
      const trail = c.firstBadBlock === null ? null : badBlockTrail(c.events, c.firstBadBlock);
      const d = trail ? detail(c, trail.readIndex) : {};
      return [
        'The same run on an array without the patent: a quick split, then an EXTENDED COPY that streams the S-VOL as it is.',
        `Here it reads ${blockRange(d)} for tape while ${fmt(Number(d.stale ?? 0))} of them still wait for their pre-split update, block ${c.firstBadBlock ?? '—'} among them (marked ✕ on the maps). The tape gets their older data.`,
      ];
    },
    targets: ['[data-testid="heat-514"]', ROW],
  },
  {
    id: 'told-success', title: 'Told it succeeded, and wrong', preset: NAIVE,
    moment: (c) => (c.firstBadBlock === null ? null : row(c, badBlockTrail(c.events, c.firstBadBlock).reportIndex)),
    body: (c) => [
      'At the end the array reports to the backup software: success. Nothing in its answer says the tape is wrong.',
      `Only the check against the split-instant image finds it: block ${c.firstBadBlock ?? '—'} on tape holds generation ${c.tapeGen ?? '—'}, data older than what the client had written before the split. A restore from this tape would bring back a volume that never existed.`,
    ],
    targets: ['[data-testid="mini-verdict"]', '[data-testid="verdict-badge"]', ROW],
    tab: 'verdict',
  },
  {
    id: 'modes', title: 'How E1–E4 make the tape right', preset: E1,
    moment: (c) => { const k = keyMoment('E1', c.events); return k && { t: k.t, row: k.index }; },
    body: () => [
      'The patent keeps the quick split and makes the array itself guarantee the tape, in four ways:',
      '• E1, priority copy: pending blocks of a tape record are copied to the S-VOL first, then streamed.',
      '• E2, wait: the backup is accepted at once but held until the differential is empty (E2h: the backup server polls the S-VOL state instead).',
      '• E3, staging merge: pending blocks are read from the P-VOL and merged with the S-VOL\'s in the staging area (515); nothing is written to the S-VOL.',
      '• E4, one command: the backup command carries the split, then makes the range consistent like E1.',
      'Compare runs this scenario in every mode: split ack, backup time, the client\'s write latency, the copies each made. "Key moment" shows where a mode acts on the timeline.',
    ],
    targets: ['[data-testid="compare-table"]', '[data-testid="key-moment"]', '[data-testid="run-compare"]', ROW],
    tab: 'compare', compare: true,
  },
];

/** `tour=N` in the hash (1-based) → step index, or null. */
export function tourStepFromParam(v: string | null): number | null {
  if (v === null || !/^\d+$/.test(v)) return null;
  const i = Number(v) - 1;
  return i >= 0 && i < TOUR.length ? i : null;
}
