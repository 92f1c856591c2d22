import { useEffect, useState } from 'preact/hooks';
import { checkIsolation } from './isolation.ts';
import { proveChain } from './chain.ts';
import { Playground } from './components/playground.tsx';

type Status = { state: 'checking' | 'ready' | 'unavailable' | 'failed'; text: string };

/** The page shell: what splitstream is, and whether this browser can run it. */
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

  return (
    <main class="shell">
      <header>
        <h1>splitstream</h1>
        <p class="lede">
          A disk array in your browser that answers a pair <em>split</em> at once, then backs the frozen
          secondary volume up to tape by itself (SCSI EXTENDED COPY), and proves the tape holds exactly the
          image of the split instant while the client keeps writing.
        </p>
        <p class="status" data-testid="status" data-state={status.state} role="status">
          {status.text}
        </p>
      </header>
      <Playground />
    </main>
  );
}
