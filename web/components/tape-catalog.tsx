/**
 * The tape's files and its catalog (docs/architecture.md "The catalog"): every restore point
 * with the tape file holding it, its level and base, its split instant, the blocks it holds,
 * and the oracle's verdict on the point rebuilt from the tape; the run's restores with their
 * verdicts (read back from the destination); and a restore of any point, which adds a
 * `restore` command at the end of the script (docs/scenario.md).
 */
import { useState } from 'preact/hooks';
import type { CatalogView, TapeView } from '../ui/view-model.ts';

interface Props {
  tape: TapeView | null;
  /** Adds a restore of `point` to `to` after the script's commands; absent where the runtime cannot (Live). */
  onRestore?: (point: number, to: 'disk' | 'svol') => void;
}

const verdict = (v: boolean | null, reason?: string) =>
  v === null ? <span class="muted">—</span> : v ? <span class="ok">✔ verified</span> : <span class="bad" title={reason}>✘ {reason ?? 'failed'}</span>;

export function TapeCatalog({ tape, onRestore }: Props) {
  const [to, setTo] = useState<'disk' | 'svol'>('disk');
  const cat: CatalogView | null = tape?.catalog ?? null;
  if (!tape || tape.files.length === 0) return null;
  if (!cat) {
    return <p class="muted" data-testid="tape-catalog" data-points="0">No catalog on this tape: its backups are plain ones (give a backup a level, full or incremental, to start a chain).</p>;
  }
  const roleOf = (file: number) => {
    if (file === cat.file) return 'the tape\'s catalog';
    const p = cat.points.find((x) => x.file === file);
    if (p) return `restore point ${p.point} (${p.level})`;
    return cat.earlier.includes(file) ? 'an earlier catalog (superseded)' : 'a plain backup';
  };
  return (
    <section class="tape-catalog" data-testid="tape-catalog" data-points={cat.points.length} aria-label="Tape files and catalog">
      <h3>Tape files and catalog <span class="muted">— the catalog is file {cat.file}</span></h3>
      <table class="tape" data-testid="tape-roles">
        <thead><tr><th>file</th><th>blocks</th><th>holds</th></tr></thead>
        <tbody>
          {tape.files.map((f, i) => <tr key={i}><td>{i + 1}</td><td>{f.blocks}</td><td>{roleOf(i + 1)}</td></tr>)}
        </tbody>
      </table>
      <h3>Restore points</h3>
      <div class="row">
        <label>restore to{' '}
          <select value={to} data-testid="restore-to" onChange={(e) => setTo((e.currentTarget as HTMLSelectElement).value as 'disk' | 'svol')}>
            <option value="disk">the backup disk</option>
            <option value="svol">the S-VOL (while split)</option>
          </select>
        </label>
      </div>
      <table class="tape" data-testid="restore-points">
        <thead>
          <tr><th>point</th><th>level</th><th>tape file</th><th>split (instant)</th><th>range</th><th>blocks held</th><th>rebuilt from the tape</th><th /></tr>
        </thead>
        <tbody>
          {cat.points.map((p) => (
            <tr key={p.point} data-point={p.point} data-verified={String(p.verified)}>
              <th scope="row">{p.point}</th>
              <td>{p.level}{p.base !== null ? ` of ${p.base}` : ''}</td>
              <td>{p.file}</td>
              <td>{p.split} ({p.splitAt.toFixed(3)} ms)</td>
              <td>{p.lba}+{p.blocks}</td>
              <td>{p.dataBlocks}{p.level === 'incremental' ? ` in ${p.runs} runs` : ''}</td>
              <td>{verdict(p.verified, p.reason)}</td>
              <td>
                {onRestore && (
                  <button type="button" data-testid={`restore-${p.point}`} onClick={() => onRestore(p.point, to)}
                    aria-label={`Restore point ${p.point} to ${to === 'disk' ? 'the backup disk' : 'the S-VOL'} after the script`}>
                    Restore
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cat.restores.length > 0 && (
        <>
          <h3>Restores of this run</h3>
          <table class="tape" data-testid="restores">
            <thead><tr><th>point</th><th>to</th><th>blocks written</th><th>read back</th></tr></thead>
            <tbody>
              {cat.restores.map((r, i) => (
                <tr key={i} data-verified={String(r.verified)}>
                  <td>{r.point}</td><td>{r.to === 'disk' ? 'backup disk' : 'S-VOL'}</td><td>{r.blocks}</td><td>{verdict(r.verified, r.reason)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
