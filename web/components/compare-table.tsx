/**
 * Compare: the same scenario in every mode, side by side, with the figures of the trade-off
 * the patent is about (docs/patent.md#the-problem): how soon the split is answered, when
 * the backup is done, what the client's writes paid (p50 / p99), and the copies each mode
 * made. A sentence reads the trade-off off the rows; each row leads to its key moment.
 */
import type { Mode } from '../../src/scenario/schema.ts';
import { tradeOff } from '../ui/compare-text.ts';
import { MODE_LABELS } from '../ui/presets.ts';
import type { ResultView } from '../ui/view-model.ts';

interface Props {
  rows: ResultView[] | null;
  busy: boolean;
  onRun: () => void;
  /** Show this mode's key moment on the timeline. */
  onMoment: (mode: Mode) => void;
}

const ms = (v: number | null) => (v === null ? '—' : v.toFixed(3));

export function CompareTable({ rows, busy, onRun, onMoment }: Props) {
  return (
    <section class="compare" data-testid="compare">
      <div class="row">
        <button type="button" onClick={onRun} disabled={busy} data-testid="run-compare" title="Compare all modes (C)">
          {busy ? 'Running every mode…' : 'Run in every mode (C)'}
        </button>
        <span class="muted">Times in simulated ms, from the scenario's cost model.</span>
      </div>
      {rows && (
        <>
          <div class="table-scroll">
            <table data-testid="compare-table">
              <thead>
                <tr>
                  <th>mode</th><th>split answered</th><th>backup done</th><th>client write p50 / p99</th>
                  <th title="Blocks copied to the S-VOL: priority copies (E1), copies before a client write, background copies">copies to S-VOL: priority / before write / background</th>
                  <th title="Blocks E3 read from the P-VOL instead of copying them">read from P-VOL</th>
                  <th>tape</th><th>key moment</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.mode} data-mode={r.mode} data-verified={String(r.verified)}>
                    <th scope="row">{MODE_LABELS[r.mode as Mode] ?? r.mode}</th>
                    <td>{ms(r.splitAckMs)}</td>
                    <td>{ms(r.backupDoneMs)}</td>
                    <td>{ms(r.writeP50)} / {ms(r.writeP99)}</td>
                    <td>{r.copies ? `${r.copies.priority} / ${r.copies.cow} / ${r.copies.background}` : '—'}</td>
                    <td>{r.copies?.stagedFromPvol ?? '—'}</td>
                    <td class={r.verified ? 'ok' : 'bad'}>
                      {r.verified ? '✔ verified' : `✘ bad${r.firstBadBlock !== null ? ` at block ${r.firstBadBlock}` : ''}`}
                    </td>
                    <td>
                      {r.keyMoment ? (
                        <button type="button" class="link" data-testid={`moment-${r.mode}`} onClick={() => onMoment(r.mode as Mode)}
                          title={`Open ${r.mode} and go to its key moment at ${ms(r.keyMoment.t)} simulated ms`}>
                          {r.keyMoment.title} ▸
                        </button>
                      ) : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="trade-off" data-testid="trade-off">
            {tradeOff(rows).map((t, i) => <p key={i}>{t}</p>)}
          </div>
        </>
      )}
    </section>
  );
}
