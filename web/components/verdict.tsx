/**
 * The verdict: did the tape receive exactly the split-instant image (docs/patent.md
 * #the-point-in-time-rule)? It is the run's computed end result, so before the playhead
 * reaches the backup's end it says so. A failure names the first bad block, what the tape
 * holds there, and that the backup software was told the backup succeeded. Below: the
 * figures, the tape's contents (files between tapemarks, their blocks), a download of the
 * AWSTAPE image (readable by Hercules' tapemap/hetget) and the counters at the playhead.
 */
import type { ResultView, TapeView } from '../ui/view-model.ts';
import { failureText } from '../ui/verdict-text.ts';

interface Props {
  result: ResultView | null;
  tape: TapeView | null;
  /** The controller's counters at the playhead. */
  counters: Record<string, number> | null;
  /** The playhead has reached the backup's end (false: the result shown is computed ahead). */
  played?: boolean;
  /** The backup software's answer: the array reported success (null: no report in the log). */
  reportedOk?: boolean | null;
  /** 'simulated ms' or 'wall-clock ms'. */
  unit?: string;
}

export function Verdict({ result, tape, counters, played = true, reportedOk = null, unit = 'simulated ms' }: Props) {
  const ms = (v: number | null) => (v === null ? '—' : `${v.toFixed(3)} ${unit}`);
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
  const c = result?.copies;
  return (
    <section class="verdict" data-testid="verdict" data-state={state} data-played={String(played)} aria-live="polite">
      {result && !played && (
        <p class="verdict-ahead" data-testid="verdict-ahead">
          Computed end result of the whole run; the playhead has not reached the backup's end yet.
        </p>
      )}
      <div class={`verdict-badge ${state}`} data-testid="verdict-badge">
        {result === null && 'Running…'}
        {result?.verified && <>✔ Verified: the tape holds exactly the split-instant image ({result.mode})</>}
        {result && !result.verified && (
          <>✘ Not point-in-time: the tape differs from the split-instant image
            {result.firstBadBlock !== null && <> — first bad block <b data-testid="first-bad">{result.firstBadBlock}</b></>}
            {' '}({result.mode})
            <span class="verdict-why" data-testid="verdict-why">{failureText(result, reportedOk)}</span></>
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
          <dt>split answered after</dt><dd>{ms(result.splitAckMs)}</dd>
          <dt>backup done after</dt><dd>{ms(result.backupDoneMs)}</dd>
          <dt>client write p50 / p99</dt><dd>{ms(result.writeP50)} / {ms(result.writeP99)}</dd>
          <dt>blocks copied to the S-VOL</dt><dd>{result.blocksCopied ?? '—'}{c ? ` (priority ${c.priority}, before a write ${c.cow}, background ${c.background})` : ''}</dd>
          <dt>S-VOL writes for the backup</dt><dd>{result.svolWrites ?? '—'}</dd>
          {Object.entries(result.extra).map(([k, v]) => [<dt key={`k${k}`}>{k}</dt>, <dd key={`v${k}`}>{String(v)}</dd>])}
        </dl>
      )}
      <h3>Tape (303)</h3>
      {tape && tape.files.length > 0 ? (
        <table class="tape" data-testid="tape-files">
          <thead><tr><th>file</th><th>tape records</th><th>bytes</th></tr></thead>
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
