/**
 * After a reload the playground shows the pairs as they were and what a reload cut off
 * (docs/live.md#what-survives-what). A plain DOM notice, so it shows whatever the UI is
 * doing; the UI can draw the same RecoveryReport its own way and leave this out.
 */
import type { RecoveryReport } from '../../src/runtime/live/recovery.ts';

/** `resume`: carries a split-pending pair whose 514 was rebuilt on to split (window.splitstream.resume). */
export function showRecovery(report: RecoveryReport, runAgain: (scenarioJson: string) => Promise<unknown>, resume?: () => Promise<unknown>): HTMLElement | null {
  if (!report.found || (report.pairs.length === 0 && report.interrupted.length === 0 && report.replayedWrites === 0)) return null;
  const box = document.createElement('aside');
  box.dataset.testid = 'live-recovery';
  box.setAttribute('role', 'status');
  box.style.cssText = 'position:fixed;right:1rem;bottom:1rem;max-width:32rem;z-index:50;padding:.75rem 1rem;' +
    'background:#fff8e1;color:#222;border:1px solid #c9a227;border-radius:6px;font:14px/1.4 system-ui,sans-serif';
  const h = document.createElement('strong');
  h.textContent = 'Live runtime: state recovered after a reload';
  box.append(h);
  const list = document.createElement('ul');
  list.style.margin = '.4rem 0';
  const item = (text: string) => { const li = document.createElement('li'); li.textContent = text; list.append(li); };
  for (const p of report.pairs) {
    item(`pair ${p.pvol} → ${p.svol}: P-VOL state (516) ${p.state516}, S-VOL state (517) ${p.state517}; ` +
      `differential ${p.pending} of ${p.blocks} blocks${report.bitmapsTrusted ? '' : p.diffRebuilt ? ' (rebuilt from its record: the blocks still to copy)' : ' (not trusted: counted as all dirty)'}`);
  }
  for (const n of report.notes) item(n);
  box.append(list);
  const run = report.run;
  if (report.interrupted.length && run) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = `Run it again (${run.mode}, live)`;
    b.onclick = () => {
      b.disabled = true;
      b.textContent = 'Running…';
      runAgain(run.scenario).then(
        () => { b.textContent = 'Done: see the result'; },
        (e) => { b.textContent = `Failed: ${String(e)}`; },
      );
    };
    box.append(b);
  }
  if (resume && report.pairs.some((p) => p.diffRebuilt)) {
    const b = document.createElement('button');
    b.type = 'button';
    b.style.marginLeft = '.5rem';
    b.textContent = 'Carry the split on (508 copies the rest)';
    b.onclick = () => {
      b.disabled = true;
      b.textContent = 'Copying…';
      resume().then(() => { b.textContent = 'Split complete'; }, (e) => { b.textContent = `Failed: ${String(e)}`; });
    };
    box.append(b);
  }
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = 'Dismiss';
  close.style.marginLeft = '.5rem';
  close.onclick = () => box.remove();
  box.append(close);
  document.body.append(box);
  return box;
}
