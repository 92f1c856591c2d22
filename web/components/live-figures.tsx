/**
 * What a live run's numbers are, beside the sim's for the same scenario: the live figures
 * are wall-clock ms measured in this browser (four processor workers and a servers worker
 * over one shared memory, the volumes and the tape as OPFS files on this machine's disk);
 * the sim's are simulated ms from its cost model (docs/scenario.md, docs/live.md). Neither
 * is wrong: one predicts from stated speeds, the other measures this machine.
 */
import type { Scenario } from '../../src/scenario/schema.ts';
import { formatBytes } from '../../src/runtime/live/quota.ts';
import type { ResultView } from '../ui/view-model.ts';
import { AckStages } from './ack-stages.tsx';

interface Props { scenario: Scenario; live: ResultView | null; sim: ResultView | null; done: boolean }

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(3));

export function LiveFigures({ scenario, live, sim, done }: Props) {
  const { blocks, blockBytes } = scenario.geometry;
  const c = scenario.costs;
  const rows: [string, (r: ResultView) => string][] = [
    ['split answered after', (r) => f3(r.splitAckMs)],
    ['backup done after', (r) => f3(r.backupDoneMs)],
    ['client write p50 / p99', (r) => `${f3(r.writeP50)} / ${f3(r.writeP99)}`],
    ['blocks copied to the S-VOL', (r) => String(r.blocksCopied ?? '—')],
    ['tape', (r) => (r.verified ? '✔ verified' : '✘ not point-in-time')],
  ];
  return (
    <details class="live-figures panel" data-testid="live-figures" open={done}>
      <summary>What these numbers are</summary>
      <p>
        <b>Live</b>: wall-clock ms measured in this browser since the run began. The processors 501, 502, 503 and 508 run
        in one worker where the machine has fewer than eight cores (a worker each where it has more), the two servers in
        another, over one shared memory; the P-VOL and S-VOL ({formatBytes(blocks * blockBytes)} each) and the tape are
        files in this site’s storage (OPFS) on this machine’s disk.
      </p>
      <p>
        <b>Sim</b>: simulated ms on a virtual clock, from the scenario’s cost model: disks read {c.diskReadMBps} MB/s and
        write {c.diskWriteMBps} MB/s, the tape takes {c.tapeMBps} MB/s, a processor step costs {c.cmdMs} ms. The same on
        every machine; it predicts, the live run measures.
      </p>
      {done && live && (
        <table data-testid="live-vs-sim">
          <thead><tr><th /><th>live (wall-clock ms, this browser)</th><th>sim (simulated ms, cost model)</th></tr></thead>
          <tbody>
            {rows.map(([k, f]) => <tr key={k}><th scope="row">{k}</th><td>{f(live)}</td><td>{sim ? f(sim) : '—'}</td></tr>)}
          </tbody>
        </table>
      )}
      {done && live?.ackStages && <AckStages stages={live.ackStages} />}
    </details>
  );
}
