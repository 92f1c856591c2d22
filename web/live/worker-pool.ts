/**
 * The live runtime's workers, kept from one run to the next (docs/live.md "Warm workers").
 * A worker's JavaScript starts cold: for its first few hundred milliseconds V8 compiles the
 * hot paths (the ports, 501's and 508's steps, the journal, the servers' client) on
 * background threads, which on two cores take the array's share of them. A run that ends
 * cleanly leaves its workers here, their loops ended and their files closed, and the next
 * run takes them again with their code compiled, as a real array's microprogram stays loaded
 * between one host's bursts and the next. A run that failed, was stopped, or terminated a
 * worker for a fault gives none back (live-bridge.ts terminates them).
 */
import * as Comlink from 'comlink';

export type PooledKind = 'processor' | 'servers' | 'flusher' | 'disk-writer';

interface Kept { kind: PooledKind; worker: Worker; remote: Comlink.Remote<unknown> }

/** At most so many wait of each kind: one run's worth (four processors' in the placement with one each). */
const MAX_IDLE: Record<PooledKind, number> = { processor: 4, servers: 1, flusher: 1, 'disk-writer': 1 };
const idle: Kept[] = [];
/** What each worker handed out is, so a finished run can give it back. */
const handedOut = new Map<Worker, Kept>();

/** A worker of `kind`: one a finished run left, else `make()`'s. */
export function takeWorker<T>(kind: PooledKind, make: () => Worker): { worker: Worker; remote: Comlink.Remote<T>; reused: boolean } {
  const i = idle.findIndex((k) => k.kind === kind);
  const reused = i >= 0;
  const kept = reused ? idle.splice(i, 1)[0] : (() => { const worker = make(); return { kind, worker, remote: Comlink.wrap(worker) }; })();
  handedOut.set(kept.worker, kept);
  return { worker: kept.worker, remote: kept.remote as Comlink.Remote<T>, reused };
}

/** A run ended cleanly: its workers wait for the next run. */
export function keepWorkers(workers: readonly Worker[]): void {
  for (const w of workers) {
    const k = handedOut.get(w);
    if (!k) continue;
    handedOut.delete(w);
    if (idle.filter((x) => x.kind === k.kind).length < MAX_IDLE[k.kind]) idle.push(k);
    else w.terminate();
  }
}

/** Terminates `workers` (a run that did not end cleanly), and forgets them. */
export function dropWorkers(workers: readonly Worker[]): void {
  for (const w of workers) {
    handedOut.delete(w);
    w.terminate();
  }
}

