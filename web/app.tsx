import { useEffect, useState } from 'preact/hooks';
import { checkIsolation } from './isolation.ts';
import { proveChain } from './chain.ts';
import { Playground } from './components/playground.tsx';
import { DiagnosticsContext } from './components/help-dialog.tsx';
import { setPageSimBusy } from './ui/page-sim.ts';

type Status = { state: 'checking' | 'ready' | 'unavailable' | 'failed'; text: string };

/** The page shell: what splitstream is, and (only when it cannot) why this browser cannot run it. */
export function App() {
  const [status, setStatus] = useState<Status>({ state: 'checking', text: 'Checking isolation and WASM…' });

  useEffect(() => {
    const iso = checkIsolation();
    if (!iso.isolated) {
      setStatus({ state: 'unavailable', text: `Not isolated: ${iso.reason}` });
      return;
    }
    proveChain().then(
      (r) => setStatus(r.ok
        ? { state: 'ready', text: `Ready: cross-origin isolated, shared memory, ${r.detail}.` }
        : { state: 'failed', text: `WASM chain failed: ${r.detail}` }),
      (e: unknown) => setStatus({ state: 'failed', text: `WASM chain failed: ${String(e)}` }),
    );
  }, []);

  const ready = status.state === 'ready';
  // No playground will mount, so no sim of the page's own will run: live runs need not wait.
  useEffect(() => { if (status.state === 'unavailable' || status.state === 'failed') setPageSimBusy(false); }, [status.state]);
  return (
    <main class="shell">
      <header>
        <h1>splitstream</h1>
        <p class="lede">
          A disk array in your browser. It freezes a copy of a volume at one instant (a <em>split</em>), answers at
          once, then backs that copy up to tape by itself while the client keeps writing, and checks block by block
          that the tape holds exactly that instant: the method of Hitachi’s patent application US 10/784,999.
          New here? Press <b>Tour</b>.
        </p>
        {/* Diagnostics belong in Help › About once the page works; a problem is shown here. */}
        <p class="status" data-testid="status" data-state={status.state} role="status" hidden={ready}>
          {status.text}
        </p>
      </header>
      <DiagnosticsContext.Provider value={status.text}>
        <Playground />
      </DiagnosticsContext.Provider>
    </main>
  );
}
