/**
 * The sentences under the Compare table: the trade-off the patent is about, read off the
 * rows (split ack, backup done, the client's write latency, the copies each mode made),
 * so they hold for whatever scenario is compared. Pure; tests/unit/ui-compare.test.ts.
 */
import type { ResultView } from './view-model.ts';

const PATENT = new Set(['E1', 'E2', 'E2h', 'E3', 'E4']);
const f3 = (v: number | null) => (v === null ? '—' : `${v.toFixed(3)} ms`);

/** Why a mode's backup takes as long as it does (docs/patent.md#the-flows). */
const WHY: Record<string, string> = {
  E1: 'it copies the pending blocks of each record to the S-VOL first',
  E2: 'it holds the backup until the whole differential is on the S-VOL',
  E2h: 'the backup server polls the S-VOL state until the differential is copied',
  E3: 'it reads pending blocks from the P-VOL and writes nothing to the S-VOL for the backup',
  E4: 'its one command splits, then makes the range consistent like E1',
};

function extreme(rows: ResultView[], key: (r: ResultView) => number | null, max: boolean): ResultView | null {
  let best: ResultView | null = null;
  for (const r of rows) {
    const v = key(r);
    if (v === null) continue;
    const b = best ? key(best)! : null;
    if (b === null || (max ? v > b : v < b)) best = r;
  }
  return best;
}

export function tradeOff(rows: readonly ResultView[]): string[] {
  const patent = rows.filter((r) => PATENT.has(r.mode));
  const out: string[] = [];
  const sync = rows.find((r) => r.mode === 'sync');
  const fastSplit = extreme(patent, (r) => r.splitAckMs, true);
  if (fastSplit && sync) {
    out.push(`Split ack: at most ${f3(fastSplit.splitAckMs)} in the patent's modes; the prior art's split waits for the copy and took ${f3(sync.splitAckMs)}, and the client's writes waited with it (p99 ${f3(sync.writeP99)}).`);
  }
  const first = extreme(patent, (r) => r.backupDoneMs, false);
  const last = extreme(patent, (r) => r.backupDoneMs, true);
  if (first && last && first !== last) {
    out.push(`Backup done: ${first.mode} first at ${f3(first.backupDoneMs)} (${WHY[first.mode]}); ${last.mode} last at ${f3(last.backupDoneMs)} (${WHY[last.mode]}).`);
  }
  const calm = extreme(patent, (r) => r.writeP99, false);
  const busy = extreme(patent, (r) => r.writeP99, true);
  if (calm && busy && calm !== busy) {
    out.push(`The client pays too: its write p99 is ${f3(busy.writeP99)} in ${busy.mode} against ${f3(calm.writeP99)} in ${calm.mode}; copies made early for the backup compete with the client's writes for the disk.`);
  }
  const naive = rows.find((r) => r.mode === 'naive');
  if (naive && !naive.verified) {
    out.push(`The prior art without the guarantee finished at ${f3(naive.backupDoneMs)} and reported success, but its tape is wrong${naive.firstBadBlock !== null ? ` from block ${naive.firstBadBlock}` : ''}.`);
  }
  return out;
}
