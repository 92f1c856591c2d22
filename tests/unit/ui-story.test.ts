// The page's story, checked against real sim runs of the shipped presets: each mode's key
// moment is found in its own run and is the event that makes the mode differ; every tour
// step finds its moment in its preset's run; every event the sim logs has plain words;
// the Compare sentences read the trade-off off the rows.
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core-api.ts';
import type { SimEvent } from '../../src/array/events.ts';
import { createSim, type Snapshot } from '../../src/runtime/sim.ts';
import { ALL_MODES, type Mode, type Scenario } from '../../src/scenario/schema.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { resultOf, seriesOf } from '../../web/ui/frame-adapter.ts';
import { badBlockTrail, keyMoment, verdictTime } from '../../web/ui/key-moments.ts';
import { eventText, rawText } from '../../web/ui/event-text.ts';
import { halfDrained, TOUR, tourStepFromParam } from '../../web/ui/tour.ts';
import { tourCtx } from '../../web/ui/use-tour.ts';
import { tradeOff } from '../../web/ui/compare-text.ts';
import { failureText } from '../../web/ui/verdict-text.ts';
import type { RunView } from '../../web/ui/view-model.ts';
import { coreForTests, small } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

const dir = new URL('../../scenarios/', import.meta.url);
const load = (f: string) => validateScenario(JSON.parse(readFileSync(new URL(f, dir), 'utf8')));
const byMode = new Map<Mode, Scenario>();
for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const s = load(f);
  // The mode presets: the default scenario in each mode (the e1-/e2-/…/naive- files).
  if (s.script.length === 2 && s.script[0].op === 'split' && s.script[0].at === 0 && s.initial.pending === 0.25 && s.workload.pattern === 'uniform') byMode.set(s.mode, s);
}

const views = new Map<string, RunView>();
/** A run as the page sees it (the sim worker's open()): events, chart series, result; once per scenario and mode. */
function view(s: Scenario, mode?: Mode): RunView {
  const key = JSON.stringify({ ...s, name: '', mode: mode ?? s.mode });
  if (!views.has(key)) views.set(key, runView(s, mode));
  return views.get(key)!;
}

function runView(s: Scenario, mode?: Mode): RunView {
  const sim = createSim(s, { core, mode });
  const samples: Snapshot[] = [sim.snapshot()];
  // Chart samples (the tour's drain step reads them) only for the tour's presets: they cost.
  const sample = TOUR.some((st) => JSON.stringify(load(st.preset)) === JSON.stringify(s)) && !mode;
  let next = 1;
  while (sim.step()) if (sample && sim.now >= next) { samples.push(sim.snapshot()); next = Math.floor(sim.now) + 1; }
  const r = sim.runToEnd();
  samples.push(sim.snapshot());
  const events = sim.events.slice();
  return { events, endT: sim.now, series: seriesOf(samples), result: resultOf(r), tape: { files: [], totalBytes: 0, image: null, catalog: null }, digest: '' };
}

const runOf = (file: string) => view(load(file));

describe('key moments (web/ui/key-moments.ts)', () => {
  it('there is a mode preset for every mode', () => {
    expect([...byMode.keys()].sort()).toEqual([...ALL_MODES].sort());
  });

  for (const mode of ALL_MODES) {
    it(`${mode}: found in its preset's run, mid-run, at the event that sets the mode apart`, () => {
      const v = view(byMode.get(mode)!);
      const k = keyMoment(mode, v.events)!;
      expect(k).not.toBeNull();
      const e = v.events[k.index];
      expect(e.t).toBe(k.t);
      expect(k.t).toBeLessThan(v.endT);
      expect(k.text.length).toBeGreaterThan(40);
      const d = e.detail ?? {};
      switch (mode) {
        case 'E1': expect([e.ev, Number(d.pending) > 0]).toEqual(['priority.req', true]); break;
        case 'E2': {
          expect(e.ev).toBe('backup.hold');
          // Held: nothing reaches the tape before the release.
          const rel = v.events.findIndex((x) => x.ev === 'backup.release');
          expect(rel).toBeGreaterThan(k.index);
          expect(v.events.slice(0, rel).some((x) => x.ev === 'tape.write')).toBe(false);
          break;
        }
        case 'E2h': {
          expect([e.ev, d.s517]).toEqual(['state', 'split']);
          expect(v.events.findIndex((x) => x.ev === 'backup.cmd')).toBeGreaterThan(k.index);
          break;
        }
        case 'E3': expect([e.ev, Number(d.fromPvol) > 0]).toEqual(['merge.done', true]); break;
        case 'E4': expect([e.ev, d.combined]).toEqual(['backup.cmd', true]); break;
        case 'sync': {
          expect(e.ev).toBe('split.ack');
          expect(k.t).toBeCloseTo(v.result.splitAckMs!, 2); // the split waited for the copy (the result rounds to µs)
          expect(k.t).toBeGreaterThan(1);
          break;
        }
        case 'naive': expect([e.ev, Number(d.stale) > 0]).toEqual(['stage.done', true]); break;
      }
      // Only the mode's own run has it: E1's moment is absent in E2, E3's in E1.
      if (mode === 'E1') expect(keyMoment('E1', view(byMode.get('E2')!).events)).toBeNull();
      if (mode === 'E3') expect(keyMoment('E3', view(byMode.get('E1')!).events)).toBeNull();
    });
  }

  it('none where nothing was pending (no client writes before the split, nothing pending at start)', () => {
    const quiet = small({ initial: { pair: 'duplex', pending: 0, dirtyInCache: 0 }, workload: { pattern: 'uniform', rate: 0, minBlocks: 1, maxBlocks: 1, hotFraction: 0.1, hotWeight: 0.9 } });
    for (const mode of ['E1', 'E3', 'naive'] as Mode[]) expect(keyMoment(mode, view(quiet, mode).events)).toBeNull();
  });

  it('the naive run: the bad block was read stale, then the backup was reported a success', () => {
    const v = view(byMode.get('naive')!);
    const bad = v.result.firstBadBlock!;
    const trail = badBlockTrail(v.events, bad);
    const read = v.events[trail.readIndex];
    expect(read.ev).toBe('stage.done');
    expect(Number(read.detail!.lba)).toBeLessThanOrEqual(bad);
    expect(bad).toBeLessThan(Number(read.detail!.lba) + Number(read.detail!.n));
    expect(v.events[trail.reportIndex]).toMatchObject({ ev: 'backup.report', detail: { ok: true } });
    expect(trail.reportIndex).toBeGreaterThan(trail.readIndex);
    expect(verdictTime(v.events, v.endT)).toBe(v.events[trail.reportIndex].t);
    expect(failureText(v.result, true)).toMatch(new RegExp(`Block ${bad} on tape holds generation -1.*told the backup succeeded`));
    expect(failureText(v.result, false)).not.toMatch(/told/);
  });
});

describe('the tour (web/ui/tour.ts)', () => {
  it('has five to eight steps, each finding its moment in its preset\'s run', () => {
    expect(TOUR.length).toBeGreaterThanOrEqual(5);
    expect(TOUR.length).toBeLessThanOrEqual(8);
    for (const st of TOUR) {
      const v = runOf(st.preset);
      const ctx = tourCtx(v, load(st.preset).geometry.blocks);
      const m = st.moment(ctx);
      expect(m, st.id).not.toBeNull();
      const t = m!.t;
      if (m!.row !== null) expect(v.events[m!.row].t).toBe(t);
      expect(t!).toBeGreaterThanOrEqual(0);
      expect(t!).toBeLessThanOrEqual(v.endT);
      for (const p of st.body(ctx)) expect(p, st.id).not.toMatch(/undefined|NaN|—/);
    }
  });

  it('plays the E1 story in order: duplex, split, copy before write, drain, stream', () => {
    const v = runOf('e1-priority-copy.json');
    const ctx = tourCtx(v, 4096);
    const ms = TOUR.filter((s) => s.preset === 'e1-priority-copy.json').slice(0, 5).map((s) => s.moment(ctx)!);
    const ts = ms.map((m) => m.t);
    expect(ts[0]).toBe(0);
    expect(ts[1]).toBeCloseTo(v.events.find((e) => e.ev === 'split.ack')!.t, 9);
    // The copy before write is a real one (a block was copied), after the split.
    const cow = v.events[ms[2].row!];
    expect(cow.ev).toBe('cow.done');
    expect(Number(cow.detail!.copied)).toBeGreaterThan(0);
    expect(ts[2]).toBeGreaterThan(ts[1]);
    // Half of the differential is gone at the drain step, not all of it.
    const k = v.series.t.indexOf(halfDrained(ctx)!);
    expect(v.series.pending[k]!).toBeLessThanOrEqual(512);
    expect(v.series.pending[k]!).toBeGreaterThan(0);
    expect(ts[4]).toBeGreaterThan(0);
    expect(v.events[ms[4].row!].ev).toBe('tape.write');
    expect(v.events[ms[1].row!].ev).toBe('split.ack');
  });

  it('a link opens at a step: tour=N is 1-based and bounded', () => {
    expect(tourStepFromParam('1')).toBe(0);
    expect(tourStepFromParam(String(TOUR.length))).toBe(TOUR.length - 1);
    for (const bad of [null, '', '0', String(TOUR.length + 1), '2x', '-1']) expect(tourStepFromParam(bad)).toBeNull();
  });
});

describe('plain words for events (web/ui/event-text.ts)', () => {
  it('every event the shipped presets log reads in words, not as the machine form', () => {
    const seen = new Map<string, SimEvent>();
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) for (const e of runOf(f).events) seen.set(e.ev, e);
    expect(seen.size).toBeGreaterThan(20);
    for (const [ev, e] of seen) {
      const text = eventText(e);
      expect(text, ev).not.toBe(rawText(e));
      expect(text, ev).not.toMatch(/undefined|NaN|unknown/);
      expect(text.length, ev).toBeLessThanOrEqual(48);
    }
  });
});

describe('the Compare sentences (web/ui/compare-text.ts)', () => {
  it('name the slow synchronous split, the first and last backup, the client\'s cost and the naive tape', () => {
    const s = byMode.get('E1')!;
    const rows = ALL_MODES.map((m) => view(s, m).result);
    const text = tradeOff(rows).join(' ');
    const sync = rows.find((r) => r.mode === 'sync')!;
    expect(text).toContain(`took ${sync.splitAckMs!.toFixed(3)} ms`);
    const patent = rows.filter((r) => ['E1', 'E2', 'E2h', 'E3', 'E4'].includes(r.mode));
    const first = patent.reduce((a, b) => (b.backupDoneMs! < a.backupDoneMs! ? b : a));
    expect(text).toContain(`${first.mode} first at ${first.backupDoneMs!.toFixed(3)} ms`);
    const busy = patent.reduce((a, b) => (b.writeP99! > a.writeP99! ? b : a));
    expect(text).toContain(`${busy.writeP99!.toFixed(3)} ms in ${busy.mode}`);
    expect(text).toContain(`wrong from block ${rows.find((r) => r.mode === 'naive')!.firstBadBlock}`);
    // Without the prior-art rows, nothing is said about them.
    expect(tradeOff(patent).join(' ')).not.toMatch(/prior art/);
  });
});
