/**
 * The moment of a run where its mode shows what makes it different (docs/patent.md
 * #the-flows): at the end every mode looks alike (split, 514 empty, tape full); mid-run
 * they do not. Found in the event log by event name and details, never by time, so it
 * holds for any scenario and seed. Pure: the timeline marks it, the preset line and the
 * Compare table seek to it, the tests check each mode's preset has one.
 */
import type { SimEvent } from '../../src/array/events.ts';
import type { Mode } from '../../src/scenario/schema.ts';
import { blockRange } from './event-text.ts';

export interface KeyMoment {
  mode: Mode;
  /** Index of the event in the log, and its time. */
  index: number;
  t: number;
  /** A few words for buttons and the timeline's marker. */
  title: string;
  /** One or two sentences on what happens and why it matters. */
  text: string;
}

type Find = { ev: string; actor?: string; when?: (d: Record<string, number | string | boolean>) => boolean };

/** Index of the first event matching `f` (from `from`), or -1. */
export function findEvent(events: readonly SimEvent[], f: Find, from = 0): number {
  for (let i = from; i < events.length; i++) {
    const e = events[i];
    if (e.ev === f.ev && (!f.actor || e.actor === f.actor) && (!f.when || f.when(e.detail ?? {}))) return i;
  }
  return -1;
}

const n = (v: unknown) => Number(v ?? 0);
/** "1 pending block" / "3 pending blocks". */
const blocks = (k: number, what = 'block') => `${k.toLocaleString('en')} ${what}${k === 1 ? '' : 's'}`;
const ms = (t: number) => `${t.toFixed(3)} simulated ms`;

/** What each mode's moment is: the event to find, and the words for it. */
const MOMENTS: Record<Mode, { find: Find; title: string; text: (e: SimEvent, events: readonly SimEvent[], i: number) => string }> = {
  E1: {
    find: { ev: 'priority.req', actor: '503', when: (d) => n(d.pending) > 0 },
    title: 'first priority copy',
    text: (e) => `The backup run processor (503) finds ${blocks(n(e.detail?.pending), 'pending block')} in ${blockRange(e.detail)} and asks the disk processor (508) to copy them to the S-VOL first, with priority. Only then are they streamed to tape.`,
  },
  E2: {
    find: { ev: 'backup.hold', actor: '503' },
    title: 'backup held',
    text: (e, events, i) => {
      const rel = findEvent(events, { ev: 'backup.release' }, i);
      const until = rel >= 0 ? ` until ${ms(events[rel].t)}, when the differential is empty` : '';
      return `The backup is accepted at once, but nothing goes to tape${until}: ${n(e.detail?.pending).toLocaleString('en')} blocks were still pending. Mid-run, the tape is at 0 % while other modes are already streaming.`;
    },
  },
  E2h: {
    find: { ev: 'state', actor: '501', when: (d) => d.s517 === 'split' },
    title: 'backup server reads 517 = split',
    text: (e, events, i) => {
      let polls = 0;
      for (let k = 0; k <= i; k++) if (events[k].ev === 'state.poll') polls++;
      return `After ${polls.toLocaleString('en')} polls of the S-VOL state, the backup server (102) reads split and only now sends the backup command (Fig. 7): the server does the waiting, not the array.`;
    },
  },
  E3: {
    find: { ev: 'merge.done', actor: '508', when: (d) => n(d.fromPvol) > 0 },
    title: 'first record merged from P-VOL and S-VOL',
    text: (e) => `Tape record ${blockRange(e.detail)}: ${blocks(n(e.detail?.fromPvol), 'pending block')} from the P-VOL (their update never reached the S-VOL), ${n(e.detail?.fromSvol)} from the S-VOL, merged in the staging area (515). Nothing is written to the S-VOL for the backup.`,
  },
  E4: {
    find: { ev: 'backup.cmd', actor: '102', when: (d) => d.combined === true },
    title: 'one command splits and backs up',
    text: () => 'The backup server pauses the client’s writes and sends one EXTENDED COPY that names the pair: the array splits, answers at once, and the writes resume. There is no separate split command; the server learns the end by polling (RECEIVE COPY RESULTS).',
  },
  sync: {
    find: { ev: 'split.ack', actor: '501' },
    title: 'split answered only after the copy',
    text: (e) => `The prior art: the split is answered only at ${ms(e.t)}, once every pending update has reached the S-VOL. The client server waited that long, and its writes with it.`,
  },
  naive: {
    find: { ev: 'stage.done', actor: '508', when: (d) => n(d.stale) > 0 },
    title: 'stale blocks streamed to tape',
    text: (e) => `The prior art without the guarantee: the S-VOL is read for tape while ${n(e.detail?.stale)} of ${blockRange(e.detail)} still wait for their pre-split update. The tape gets their older data.`,
  },
};

/** The key moment of a run in `mode`, or null when the log has none (e.g. nothing was pending). */
export function keyMoment(mode: Mode, events: readonly SimEvent[]): KeyMoment | null {
  const m = MOMENTS[mode];
  const i = findEvent(events, m.find);
  if (i < 0) return null;
  return { mode, index: i, t: events[i].t, title: m.title, text: m.text(events[i], events, i) };
}

/** Where a bad tape block went wrong: the stale read of its record, and the report of success. */
export interface BadBlockTrail { block: number; readIndex: number; reportIndex: number }

export function badBlockTrail(events: readonly SimEvent[], block: number): BadBlockTrail {
  const readIndex = findEvent(events, {
    ev: 'stage.done', when: (d) => n(d.stale) > 0 && n(d.lba) <= block && block < n(d.lba) + n(d.n),
  });
  const reportIndex = findEvent(events, { ev: 'backup.report', when: (d) => d.ok === true }, Math.max(0, readIndex));
  return { block, readIndex, reportIndex };
}

/** Time the verdict may be shown: the last backup or restore report (the backup software's answer), or the end. */
export function verdictTime(events: readonly SimEvent[], endT: number): number {
  for (let i = events.length - 1; i >= 0; i--) if (events[i].ev === 'backup.report' || events[i].ev === 'restore.report') return events[i].t;
  return endT;
}
