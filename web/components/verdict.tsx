/**
 * The verdict: did the tape receive exactly the split-instant image
 * (docs/patent.md#the-point-in-time-rule)? Shows the first bad block when not; the tape's
 * contents (files between tapemarks, their blocks, docs/architecture.md#the-tape); a
 * download of the AWSTAPE image (readable by Hercules' tapemap/hetget); and the counters at
 * the playhead.
 */
import type { ResultView, TapeView } from '../ui/view-model.ts';

interface Props {
  result: ResultView | null;
  tape: TapeView | null;
  /** The controller's counters at the playhead. */
  counters: Record<string, number> | null;
}

const ms = (v: number | null) => (v === null ? '—' : `${v.toFixed(3)} ms`);

export function Verdict({ result, tape, counters }: Props) {
  const download = () => {
    if (!tape?.image) return;
    const url = URL.createObjectURL(new Blob([tape.image as BlobPart], { type: 'application/octet-stream' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `splitstream-${result?.mode ?? 'backup'}.aws`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const state = result === null ? 'pending' : result.verified ? 'verified' : 'failed';
  return (
    <section class="verdict" data-testid="verdict" data-state={state} aria-live="polite">
      <div class={`verdict-badge ${state}`} data-testid="verdict-badge">
        {result === null && 'Running…'}
        {result?.verified && <>✔ Verified: the tape holds exactly the split-instant image ({result.mode})</>}
        {result && !result.verified && (
          <>✘ Not point-in-time: the tape differs from the split-instant image
            {result.firstBadBlock !== null && <> — first bad block <b data-testid="first-bad">{result.firstBadBlock}</b></>}
            {' '}({result.mode})</>
        )}
      </div>
      {result?.faults && result.faults.length > 0 && (
        <div class="fault-outcome" data-testid="fault-outcome">
          <h3>Faults and what the array did</h3>
          <ul>{result.faults.map((line, i) => <li key={i}>{line}</li>)}</ul>
        </div>
      )}
      {result && (
        <dl class="figures">
          <dt>split ack</dt><dd>{ms(result.splitAckMs)}</dd>
          <dt>backup done</dt><dd>{ms(result.backupDoneMs)}</dd>
          <dt>blocks copied</dt><dd>{result.blocksCopied ?? '—'}</dd>
          <dt>S-VOL writes</dt><dd>{result.svolWrites ?? '—'}</dd>
          {Object.entries(result.extra).map(([k, v]) => [<dt key={`k${k}`}>{k}</dt>, <dd key={`v${k}`}>{String(v)}</dd>])}
        </dl>
      )}
      <h3>Tape 303</h3>
      {tape && tape.files.length > 0 ? (
        <table class="tape" data-testid="tape-files">
          <thead><tr><th>file</th><th>blocks</th><th>bytes</th></tr></thead>
          <tbody>
            {tape.files.map((f, i) => <tr key={i}><td>{i + 1}</td><td>{f.blocks}</td><td>{f.bytes.toLocaleString('en')}</td></tr>)}
          </tbody>
        </table>
      ) : <p class="muted">Nothing on tape yet.</p>}
      <div class="row">
        <button type="button" onClick={download} disabled={!tape?.image} data-testid="download-tape">
          Download AWSTAPE image{tape?.image ? ` (${tape.totalBytes.toLocaleString('en')} bytes)` : ''}
        </button>
      </div>
      {counters && (
        <>
          <h3>Counters at the playhead</h3>
          <dl class="figures" data-testid="counters">
            {Object.entries(counters).map(([k, v]) => [<dt key={`k${k}`}>{k}</dt>, <dd key={`v${k}`}>{v}</dd>])}
          </dl>
        </>
      )}
    </section>
  );
}

/** Compare: the same scenario in every mode, side by side. */
export function CompareTable({ rows, busy, onRun }: { rows: ResultView[] | null; busy: boolean; onRun: () => void }) {
  return (
    <section class="compare" data-testid="compare">
      <div class="row">
        <button type="button" onClick={onRun} disabled={busy} data-testid="run-compare" title="Compare all modes (C)">
          {busy ? 'Running every mode…' : 'Run in every mode (C)'}
        </button>
      </div>
      {rows && (
        <table data-testid="compare-table">
          <thead>
            <tr><th>mode</th><th>split ack</th><th>backup done</th><th>blocks copied</th><th>S-VOL writes</th><th>verification</th></tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.mode} data-mode={r.mode} data-verified={String(r.verified)}>
                <th scope="row">{r.mode}</th>
                <td>{ms(r.splitAckMs)}</td>
                <td>{ms(r.backupDoneMs)}</td>
                <td>{r.blocksCopied ?? '—'}</td>
                <td>{r.svolWrites ?? '—'}</td>
                <td class={r.verified ? 'ok' : 'bad'}>
                  {r.verified ? '✔ verified' : `✘ bad${r.firstBadBlock !== null ? ` at block ${r.firstBadBlock}` : ''}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
