/**
 * Keyboard shortcuts, listed where "?" opens them. The table is the
 * single source: web/ui/keyboard.ts binds exactly these keys.
 */
import { useEffect, useRef } from 'preact/hooks';
import { SHORTCUTS } from '../ui/keyboard.ts';

export function HelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} class="help" onClose={onClose} data-testid="help" aria-labelledby="help-title">
      <h2 id="help-title">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.key}><td><kbd>{s.label}</kbd></td><td>{s.what}</td></tr>
          ))}
        </tbody>
      </table>
      <p class="muted">Shortcuts are ignored while typing in a field.</p>
      <button type="button" onClick={onClose} autofocus>Close</button>
    </dialog>
  );
}
