/**
 * The scenario's device faults in the live runtime (src/runtime/live/live-faults.ts,
 * docs/live.md#faults): which scenarios the live runtime refuses and why; the injector armed
 * by the array worker's rounds and before every I/O on a clock it does not drive, so that a
 * quota fault's room is the tape's size at its time however late the worker comes round; and
 * the failure kinds the answer ring carries (live-layout.ts FAILURES) cover the controller's.
 */
import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../src/array/events.ts';
import { FAILURE_KINDS } from '../../src/array/channel-503.ts';
import { QuotaError } from '../../src/devices/block-device.ts';
import type { Io } from '../../src/devices/faults.ts';
import { LIVE_DEVICE_FAULT_KINDS, LIVE_FAULT_KINDS, LiveFaults, hasDeviceFaults, liveFaultsOf, liveFaultsRefused } from '../../src/runtime/live/live-faults.ts';
import { FAILURES } from '../../src/runtime/live/live-layout.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario/schema.ts';
import { validateScenario } from '../../src/scenario/validate.ts';

const tapeWrite = (lba: number, from: number, to: number): Io => ({ device: 'tape-303', op: 'write', lba, count: 1, tapeBytes: { from, to } });

describe('which faults the live runtime injects', () => {
  it('injects the four device kinds in one array worker, plays worker faults, and refuses the two mixed or device faults in four workers, saying why', () => {
    expect([...LIVE_DEVICE_FAULT_KINDS].sort()).toEqual(['media-read', 'quota', 'svol-write', 'tape-write']);
    expect([...LIVE_FAULT_KINDS].sort()).toEqual(['media-read', 'quota', 'svol-write', 'tape-write', 'worker']);
    const device = validateScenario({ version: 1, faults: [{ kind: 'quota', at: 3 }, { kind: 'media-read', lba: 5 }] });
    expect(liveFaultsRefused(device)).toBeNull();
    expect(liveFaultsRefused(device, 1)).toBeNull();
    expect(hasDeviceFaults(device)).toBe(true);
    expect(liveFaultsRefused(device, 4)).toMatch(/^the live runtime injects device faults where one worker hosts the four processors .*arrayWorkers: 1$/);
    // A worker fault alone is the page's to play (worker-faults.ts judges its processor).
    const worker = validateScenario({ version: 1, faults: [{ kind: 'worker', processor: '508' }] });
    expect(liveFaultsRefused(worker)).toBeNull();
    expect(liveFaultsRefused(worker, 4)).toBeNull();
    expect(hasDeviceFaults(worker)).toBe(false);
    expect(liveFaultsOf(worker, () => 0, [])).toBeNull();
    const mixed = validateScenario({ version: 1, faults: [{ kind: 'svol-write' }, { kind: 'worker', processor: '508' }] });
    expect(liveFaultsRefused(mixed)).toMatch(/^this scenario has both a device fault \(svol-write\) and a worker fault: .*Run it in the sim, or play the two kinds in two scenarios$/);
    expect(liveFaultsRefused(mixed, 1)).toMatch(/both a device fault/);
    // Without faults nothing is refused and nothing is built.
    expect(liveFaultsRefused(DEFAULT_SCENARIO, 4)).toBeNull();
    expect(liveFaultsOf(DEFAULT_SCENARIO, () => 0, [])).toBeNull();
  });

  it('the answer ring names every failure kind the controller gives a backup', () => {
    for (const k of FAILURE_KINDS) expect(FAILURES).toContain(k);
    expect(FAILURES[0]).toBe('none');
  });
});

describe('the live injector on the wall clock', () => {
  it('arms a fault at the first round or I/O after its time, and logs it then', () => {
    let t = 0;
    const events: SimEvent[] = [];
    const f = new LiveFaults([{ at: 10, kind: 'svol-write' }], () => t, events);
    f.tick();
    expect(events).toEqual([]);
    t = 12.5;
    f.tick();
    f.tick();
    expect(events).toEqual([{ t: 12.5, actor: '602', ev: 'fault.armed', detail: { kind: 'svol-write' } }]);
    t = 14;
    expect(f.io({ device: 'svol-602', op: 'write', lba: 7, count: 2 })?.message).toBe('svol-602: write at LBA 7: write error');
    expect(f.io({ device: 'svol-602', op: 'write', lba: 7, count: 2 })).toBeNull(); // once
    expect(f.hits).toEqual([{ kind: 'svol-write', at: 10, hits: 1, firstHitAt: 14, io: 'svol-602 write at LBA 7' }]);
    expect(events.map((e) => e.ev)).toEqual(['fault.armed', 'fault.hit']);
  });

  it("takes a quota's room when it is armed by the first I/O after its time: the tape's size at that time", () => {
    let t = 0, tape = 0;
    const f = new LiveFaults([{ at: 5, kind: 'quota' }], () => t, []);
    f.tapeBytes = () => tape;
    // Before its time the tape grows freely.
    expect(f.io(tapeWrite(0, 0, 4102))).toBeNull();
    tape = 4102;
    // No round came after t = 5 (a busy worker): the next tape write arms it, and the room
    // is what the tape held, since it only grows through these writes.
    t = 40;
    const e = f.io(tapeWrite(1, 4102, 8204));
    expect(e).toBeInstanceOf(QuotaError);
    expect(e!.message).toBe('tape-303: write at LBA 1: storage quota exhausted: the tape cannot grow past 4102 bytes');
    // A file written over within the room is allowed (a failed file repositioned over).
    expect(f.io(tapeWrite(0, 0, 4102))).toBeNull();
    expect(f.hits[0]).toMatchObject({ hits: 1, firstHitAt: 40, io: 'tape-303 write at block 1' });
  });

  it('a media error fails every read of its block until the block is written, from any volume I/O', () => {
    let t = 0;
    const f = new LiveFaults([{ at: 0, kind: 'media-read', volume: 'svol', lba: 9 }], () => t, []);
    const io = (op: Io['op'], lba: number, count: number, device = 'svol-602') => f.io({ device, op, lba, count });
    expect(io('read', 8, 4)?.message).toBe('svol-602: read at LBA 9: unrecovered read error (medium)');
    expect(io('read', 9, 1, 'pvol-601')).toBeNull();
    expect(io('read', 0, 8)).toBeNull();
    t = 3;
    expect(io('read', 9, 1)).not.toBeNull();
    expect(io('write', 0, 16)).toBeNull(); // a resync's copy rewrites it
    expect(io('read', 9, 1)).toBeNull();
    expect(f.hits[0]).toMatchObject({ hits: 2, firstHitAt: 0, healed: true });
  });
});
