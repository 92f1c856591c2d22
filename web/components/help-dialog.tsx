/**
 * Help ("?"): the glossary, the patent and the claims the page demonstrates, the keyboard
 * shortcuts, and the page's diagnostics (isolation, the WASM chain). The shortcut table is
 * the single source: web/ui/keyboard.ts binds exactly these keys.
 */
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { SHORTCUTS } from '../ui/keyboard.ts';
import { CLAIMS, GLOSSARY, PATENT } from '../ui/glossary.ts';

/** The page's diagnostics line (web/app.tsx provides it). */
export const DiagnosticsContext = createContext<string>('');

const SECTIONS = ['glossary', 'about', 'keys'] as const;
type Section = (typeof SECTIONS)[number];
const NAMES: Record<Section, string> = { glossary: 'Glossary', about: 'About', keys: 'Keyboard' };

interface Props { open: boolean; onClose: () => void; onTour: () => void; initial?: Section }

export function HelpDialog({ open, onClose, onTour, initial = 'glossary' }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const [section, setSection] = useState<Section>(initial);
  const diagnostics = useContext(DiagnosticsContext);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) { setSection(initial); d.showModal(); }
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} class="help" onClose={onClose} data-testid="help" aria-labelledby="help-title">
      <div class="help-head">
        <h2 id="help-title">Help</h2>
        <div class="tablist" role="tablist" aria-label="Help sections">
          {SECTIONS.map((s) => (
            <button type="button" role="tab" key={s} aria-selected={section === s} data-testid={`help-${s}`}
              onClick={() => setSection(s)}>{NAMES[s]}</button>
          ))}
        </div>
      </div>
      <div class="help-body" role="tabpanel">
        {section === 'glossary' && (
          <dl class="glossary" data-testid="glossary">
            {GLOSSARY.map((g) => [<dt key={`t${g.term}`}>{g.term}</dt>, <dd key={`d${g.term}`}>{g.text}</dd>])}
          </dl>
        )}
        {section === 'about' && (
          <div data-testid="about">
            <p>
              splitstream demonstrates {PATENT.owner}’s patent application <b>{PATENT.number}</b> ({PATENT.priority}),
              “{PATENT.title}”: a disk array answers a split at once, then backs the frozen copy up to tape by itself,
              and guarantees the tape holds the split instant.
            </p>
            <table class="claims">
              <thead><tr><th>claims</th><th>what they say</th><th>where the page shows it</th></tr></thead>
              <tbody>{CLAIMS.map((c) => <tr key={c.claims}><td>{c.claims}</td><td>{c.what}</td><td>{c.where}</td></tr>)}</tbody>
            </table>
            <p>
              The sim runs the controller on a virtual clock with a cost model (times in simulated ms, the same on
              every machine); Live runs the same controller in this browser’s workers with the volumes in its storage
              (times in wall-clock ms). Every backup is checked block by block against the split-instant image.
            </p>
            <p class="muted">Diagnostics: <span data-testid="about-diagnostics">{diagnostics}</span></p>
          </div>
        )}
        {section === 'keys' && (
          <>
            <table>
              <tbody>
                {SHORTCUTS.map((s) => (
                  <tr key={s.key}><td><kbd>{s.label}</kbd></td><td>{s.what}</td></tr>
                ))}
              </tbody>
            </table>
            <p class="muted">Shortcuts are ignored while typing in a field. In the tour, ← → and Enter move, Esc closes.</p>
          </>
        )}
      </div>
      <div class="row">
        <button type="button" onClick={() => { onClose(); onTour(); }} data-testid="help-tour">Take the tour</button>
        <button type="button" onClick={onClose} autofocus>Close</button>
      </div>
    </dialog>
  );
}
