// The wall-clock driver of the sim's clock (src/runtime/wall-clock.ts), with a fake wall
// clock the test moves: events run once real time reaches them, never before; a catch-up
// yields between slices; an event that throws stops the driver and is reported.
import { describe, expect, it } from 'vitest';
import { WallClockDriver, type DrivenClock } from '../../src/runtime/wall-clock.ts';

/** A virtual clock with timers, as SimClock is for the SCSI layer. */
class FakeClock implements DrivenClock {
  t = 0;
  timers: { at: number; fn: () => void }[] = [];
  now(): number { return this.t; }
  nextTime(): number { return this.timers.length ? Math.min(...this.timers.map((x) => x.at)) : Infinity; }
  runNext(): boolean {
    if (!this.timers.length) return false;
    const next = this.timers.reduce((a, b) => (b.at < a.at ? b : a));
    this.timers.splice(this.timers.indexOf(next), 1);
    this.t = next.at;
    next.fn();
    return true;
  }
  advance(ms: number): void {
    const end = this.t + ms;
    while (this.nextTime() <= end) this.runNext();
    this.t = end;
  }
  after(ms: number, fn: () => void): void { this.timers.push({ at: this.t + ms, fn }); }
}

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('WallClockDriver', () => {
  it('runs each event when the wall clock reaches its virtual time, not before', async () => {
    let wall = 1000;
    const c = new FakeClock();
    const d = new WallClockDriver(c, { now: () => wall });
    const ran: number[] = [];
    c.after(5, () => ran.push(5));
    c.after(50, () => ran.push(50));
    d.poke();
    await turn();
    expect(ran).toEqual([]);
    wall += 10;
    d.poke();
    await turn();
    expect(ran).toEqual([5]);
    expect(c.now()).toBe(10); // virtual time follows the wall clock even between events
    wall += 100;
    d.poke();
    await turn();
    expect(ran).toEqual([5, 50]);
    d.stop();
  });

  it('an event due within a millisecond runs at the next turn, without a timer', async () => {
    let wall = 0;
    const c = new FakeClock();
    const d = new WallClockDriver(c, { now: () => wall });
    let done = false;
    c.after(0.01, () => { done = true; });
    d.poke();
    for (let i = 0; i < 50 && !done; i++) { wall += 0.001; await turn(); }
    expect(done).toBe(true);
    d.stop();
  });

  it('a long catch-up yields between slices, and finishes', async () => {
    let wall = 0;
    const c = new FakeClock();
    const d = new WallClockDriver(c, { now: () => wall, sliceMs: 5 });
    let n = 0;
    for (let i = 0; i < 100; i++) c.after(i, () => { n++; wall += 1; }); // each event costs 1 ms of wall time
    wall = 200;
    d.poke();
    await turn();
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(100); // it gave the event loop back
    for (let i = 0; i < 100 && n < 100; i++) await turn();
    expect(n).toBe(100);
    d.stop();
  });

  it('sync() brings an idle controller\'s time to the wall clock, and leaves a busy one to catch up', () => {
    let wall = 0;
    const c = new FakeClock();
    const d = new WallClockDriver(c, { now: () => wall });
    wall = 500;
    d.sync();
    expect(c.now()).toBe(500);
    c.after(10, () => {});
    wall = 900;
    d.sync();
    expect(c.now()).toBe(500); // an event is pending: the driver's own turn runs it in order
    d.stop();
  });

  it('an event that throws stops the driver and is reported', async () => {
    let wall = 10;
    const c = new FakeClock();
    const errors: unknown[] = [];
    const d = new WallClockDriver(c, { now: () => wall, onError: (e) => errors.push(e) });
    wall = 20;
    c.after(1, () => { throw new Error('boom'); });
    c.after(2, () => { throw new Error('never'); });
    d.poke();
    await turn();
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
    d.poke();
    await turn();
    expect(errors).toHaveLength(1);
  });
});
