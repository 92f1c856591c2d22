/**
 * The pure side of the live runtime's worker faults (src/runtime/live/worker-faults.ts):
 * which ones it plays and which it refuses (and why), their order, and what it reports
 * (the sim's FaultHit and events). The browser side is tests/e2e/live-worker-fault.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../src/scenario/schema.ts';
import { RESTARTABLE, WorkerFaultRecord, playOrder, workerFaultRefusal, workerFaults } from '../../src/runtime/live/worker-faults.ts';
import { faultOutcome } from '../../src/runtime/fault-outcome.ts';

const w = (at: number, processor: '501' | '502' | '503' | '508', downMs = 5): Fault => ({ at, kind: 'worker', processor, downMs });
const shared = { shareHandles: true };

describe('live worker faults', () => {
  it('plays 508, 503, 501 and 502, on a worker per processor with shared handles', () => {
    expect(RESTARTABLE).toEqual(['508', '503', '501', '502']);
    expect(workerFaultRefusal([w(1, '503'), w(2, '508')], shared)).toBeNull();
    expect(workerFaultRefusal(undefined, shared)).toBeNull();
    expect(workerFaultRefusal([w(1, '508')], shared)).toBeNull();
    expect(workerFaultRefusal([w(1, '508')], { shareHandles: true, arrayWorkers: 4 })).toBeNull();
    expect(workerFaultRefusal([w(1, '508')], { shareHandles: true, arrayWorkers: 1 })).toMatch(/needs a worker per processor \(arrayWorkers: 4\)/);
    expect(workerFaultRefusal([w(1, '508')], { shareHandles: false })).toMatch(/readwrite-unsafe/);
    expect(workerFaultRefusal([w(1, '508')], { shareHandles: true, resume: true })).toMatch(/resumed run/);
  });

  it('plays a fault on every processor, 501 and 502 among them (halted between commands)', () => {
    for (const p of ['501', '502', '503', '508'] as const) expect(workerFaultRefusal([w(1, p)], shared)).toBeNull();
    expect(workerFaultRefusal([w(1, '501'), w(2, '502'), w(3, '508')], shared)).toBeNull();
  });

  it('picks the worker faults out and orders them by time, then as listed', () => {
    const fs: Fault[] = [w(9, '508'), { at: 1, kind: 'quota' }, w(3, '508', 7), w(3, '508', 1)];
    expect(workerFaults(fs)).toHaveLength(3);
    expect(playOrder(fs).map((x) => [x.index, x.fault.at, x.fault.downMs])).toEqual([[2, 3, 7], [3, 3, 1], [0, 9, 5]]);
  });

  it('reports a played fault as the sim does, and one never armed as never met', () => {
    const fs = [w(1, '508'), w(50, '508')];
    const rec = new WorkerFaultRecord(fs);
    rec.failed(0, fs[0] as Extract<Fault, { kind: 'worker' }>, 1.25, 'old');
    rec.restarted(0, fs[0] as Extract<Fault, { kind: 'worker' }>, 7.5, 'new');
    expect(rec.hits[0]).toEqual({ kind: 'worker', at: 1, hits: 1, firstHitAt: 1.25, io: "processor 508's worker terminated for 5 ms", restartedAt: 7.5 });
    expect(rec.hits[1]).toEqual({ kind: 'worker', at: 50, hits: 0, firstHitAt: -1 });
    expect(rec.events.map((e) => [e.t, e.actor, e.ev, e.detail?.worker])).toEqual([
      [1.25, '508', 'fault.armed', undefined], [1.25, '508', 'processor.failed', 'old'], [7.5, '508', 'processor.restarted', 'new'],
    ]);
    const lines = faultOutcome({ faults: rec.hits, backups: [], pair: { p516: 'split', s517: 'split' } });
    expect(lines[0]).toBe("processor stopped (armed at 1 ms): processor 508's worker terminated for 5 ms at 1.25 ms, restarted at 7.5 ms");
    expect(lines[1]).toBe('processor stopped (armed at 50 ms): never met its I/O');
  });
});
