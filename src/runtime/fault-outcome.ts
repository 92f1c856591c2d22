/**
 * What the verdict says about a run's faults (docs/scenario.md#faults): each fault, when
 * it hit and the I/O it failed; each backup's outcome (completed and verified, or COPY
 * ABORTED at its segment with the reason); the pair at the end, with a suspension's reason.
 */
import type { RunResult } from './sim-result.ts';

const KIND: Record<string, string> = {
  'tape-write': 'tape write error', 'media-read': 'media error', 'svol-write': 'S-VOL write error',
  quota: 'quota exhausted', worker: 'processor stopped',
};
const ms = (t: number) => `${Math.round(t * 1000) / 1000} ms`;

export function faultOutcome(r: Pick<RunResult, 'faults' | 'backups' | 'pair'>): string[] {
  if (!r.faults?.length) return [];
  const lines = r.faults.map((f) => {
    const what = `${KIND[f.kind] ?? f.kind} (armed at ${ms(f.at)})`;
    if (f.hits === 0) return `${what}: never met its I/O`;
    const restart = f.restartedAt !== undefined ? `, restarted at ${ms(f.restartedAt)}` : '';
    return `${what}: ${f.io} at ${ms(f.firstHitAt)}${f.hits > 1 ? ` (${f.hits} times)` : ''}${f.healed ? ', then rewritten' : ''}${restart}`;
  });
  r.backups.forEach((b, k) => {
    const n = `backup ${k + 1}`;
    if (b.status === 'done') lines.push(`${n}: completed, ${b.verified ? 'verified against the split-instant image' : 'NOT verified'}`);
    else if (b.status === 'failed') lines.push(`${n}: COPY ABORTED at segment ${b.failedSegment} after ${b.blocksDone} blocks — ${b.reason}; it left its tape file partial`);
    else lines.push(`${n}: ${b.status}${b.reason ? ` — ${b.reason}` : ''}`);
  });
  lines.push(`pair at the end: ${r.pair.p516} / ${r.pair.s517}${r.pair.reason ? ` (PSUE: ${r.pair.reason})` : ''}`);
  return lines;
}
