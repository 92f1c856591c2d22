/**
 * Where a live run's client writes spent their time (src/runtime/ack-stages.ts; docs/live.md
 * "Where a write's time goes"): one bar split by each stage's median, and the stages' p50 and
 * p99 as a table. The bar is a picture of the table's first column, so it is hidden from
 * screen readers, which read the table.
 */
interface Props { stages: { stage: string; p50: number; p99: number }[] }

const WHAT: Record<string, string> = {
  issue: 'the client sending it (its own thread waking)',
  port: 'waiting in port 401 for the array’s worker',
  journal: 'its journal record written (with the others of its batch)',
  cache: '501 taking it into cache (a copy before write first, where its blocks are pending)',
  answer: 'the answer on its way back to the client',
};

export function AckStages({ stages }: Props) {
  return (
    <figure class="ack-stages" data-testid="ack-stages">
      <figcaption>Where a client write’s time went: each stage’s median, ms</figcaption>
      <div class="ack-stages-bar" aria-hidden="true">
        {stages.map((s) => (
          <span key={s.stage} class={`ack-stage ack-stage-${s.stage}`} style={{ flexGrow: Math.max(0, s.p50) }} title={`${s.stage}: ${s.p50} ms`} />
        ))}
      </div>
      <table>
        <thead><tr><th>stage</th><th>what it waits for</th><th>p50</th><th>p99</th></tr></thead>
        <tbody>
          {stages.map((s) => (
            <tr key={s.stage} data-stage={s.stage}>
              <th scope="row"><span class={`ack-stage ack-stage-${s.stage}`} aria-hidden="true" /> {s.stage}</th>
              <td>{WHAT[s.stage] ?? ''}</td><td>{s.p50.toFixed(3)}</td><td>{s.p99.toFixed(3)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="hint">Each stage’s own percentiles: the slowest writes of one stage are not the slowest of another, so the p99s do not add up.</p>
    </figure>
  );
}
