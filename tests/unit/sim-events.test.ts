// The event order of each mode matches its figure in docs/patent.md#the-flows (the lanes
// the UI draws as sequence diagrams).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core-api.ts';
import type { SimEvent } from '../../src/array/events.ts';
import { createSim } from '../../src/runtime/sim.ts';
import type { Mode } from '../../src/scenario/schema.ts';
import { coreForTests, small } from './sim-helpers.ts';

let core: Core;
beforeAll(async () => { core = await coreForTests(); });

function run(mode: Mode, over: Record<string, unknown> = {}) {
  const sim = createSim(small({ mode, ...over }), { core });
  const r = sim.runToEnd();
  expect(r.verified).toBe(true);
  return sim.events;
}

/** Index of the first event named `ev` (optionally by `actor`) at or after `from`; -1 if none. */
function at(events: readonly SimEvent[], ev: string, actor?: string, from = 0): number {
  for (let i = from; i < events.length; i++) if (events[i].ev === ev && (!actor || events[i].actor === actor)) return i;
  return -1;
}

/** Asserts the events occur in this order (each the first occurrence after the previous one). */
function expectOrder(events: readonly SimEvent[], steps: [string, string?][]): void {
  let i = 0;
  for (const [ev, actor] of steps) {
    const j = at(events, ev, actor, i);
    expect(j, `${ev}${actor ? ` by ${actor}` : ''} after event ${i}`).toBeGreaterThanOrEqual(0);
    i = j;
  }
}

const has = (events: readonly SimEvent[], ev: string) => events.some((e) => e.ev === ev);

describe('event order per figure', () => {
  it('E1 (Fig. 4): quick split ack, backup accepted, priority copy before streaming, all before 517 is split', () => {
    const e = run('E1');
    expectOrder(e, [['split.cmd', '101'], ['split', '501'], ['split.ack', '501'], ['split.done', '101'], ['backup.cmd', '102'],
      ['backup.parse', '502'], ['backup.handoff', '502'], ['backup.accepted', '502'], ['backup.start', '503'],
      ['priority.req', '503'], ['priority.done', '508'], ['stage.req', '503'], ['stage.done', '508'], ['tape.write', '503'],
      ['backup.done', '503'], ['backup.report', '502']]);
    // The priority copy happens while 517 is still split-pending.
    expect(at(e, 'priority.req')).toBeLessThan(at(e, 'split.complete'));
    expect(at(e, 'split.ack')).toBeLessThan(at(e, 'split.complete'));
  });

  it('E2 (Fig. 6): the backup is held until the differential is on the S-VOL, then streamed', () => {
    const e = run('E2');
    expectOrder(e, [['split.ack', '501'], ['backup.cmd', '102'], ['backup.accepted', '502'], ['backup.hold', '503'],
      ['split.complete', '508'], ['backup.release', '503'], ['stage.req', '503'], ['tape.write', '503'], ['backup.report', '502']]);
    expect(has(e, 'priority.req') || has(e, 'merge.req')).toBe(false);
  });

  it('E2h (Fig. 7): the backup server polls 517 and sends the backup only once it reads split', () => {
    const e = run('E2h');
    const states = e.filter((x) => x.ev === 'state').map((x) => x.detail?.s517);
    expect(states[0]).toBe('split-pending');
    expect(states[states.length - 1]).toBe('split');
    expectOrder(e, [['split.ack', '501'], ['state.poll', '102'], ['split.complete', '508'], ['state', '501'], ['backup.cmd', '102'], ['tape.write', '503']]);
    expect(has(e, 'backup.hold')).toBe(false);
  });

  it('E3 (Fig. 9): pending blocks are merged from the P-VOL side in 515; no priority copy', () => {
    const e = run('E3');
    expectOrder(e, [['split.ack', '501'], ['backup.cmd', '102'], ['backup.start', '503'], ['merge.req', '503'], ['merge.done', '508'], ['tape.write', '503'], ['backup.report', '502']]);
    expect(has(e, 'priority.req') || has(e, 'stage.req')).toBe(false);
    expect(e.some((x) => x.ev === 'merge.done' && Number(x.detail?.fromPvol) > 0)).toBe(true);
  });

  it('E4 (Fig. 11): pause, one combined command split by 501 and answered at once, resume, poll the results', () => {
    const e = run('E4');
    expectOrder(e, [['io.pause', '102'], ['io.paused', '101'], ['backup.cmd', '102'], ['backup.parse', '502'], ['split.req', '502'],
      ['split', '501'], ['split.done', '501'], ['backup.accepted', '502'], ['io.resume', '102'], ['tape.write', '503'],
      ['backup.done', '503'], ['rcr.poll', '102']]);
    expect(has(e, 'split.cmd')).toBe(false);
    expect(e.filter((x) => x.ev === 'rcr.status').at(-1)?.detail?.status).toBe('done');
  });

  it('sync (prior art): the split answers only after the whole differential is copied', () => {
    const e = run('sync');
    expectOrder(e, [['split.cmd', '101'], ['split.hold', '501'], ['split.complete', '508'], ['split.ack', '501'], ['backup.cmd', '102'], ['tape.write', '503']]);
    expect(has(e, 'cow.req')).toBe(false);
  });

  it('events are in time order, and arrows name a receiver', () => {
    for (const mode of ['E1', 'E4'] as const) {
      const e = run(mode);
      for (let i = 1; i < e.length; i++) expect(e[i].t).toBeGreaterThanOrEqual(e[i - 1].t);
      expect(e.filter((x) => x.ev.endsWith('.req')).every((x) => x.to !== undefined)).toBe(true);
    }
  });
});
