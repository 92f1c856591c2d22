/**
 * Whether the page's own sim is computing (the playground's scenario, or a Compare), for the
 * live runs started through window.splitstream (automation.ts): like the Live tab's Run
 * button (live-view.tsx), they wait until it is done, so a live run never shares this
 * machine's two cores with the sim's worker (docs/live.md#the-live-runtime: a run started
 * while the page had just opened measured the sim's worker beside the array).
 *
 * The page counts as busy from the start: the playground mounts, and its sim starts, only
 * once isolation and the WASM chain are proven (app.tsx), and a run asked for before that
 * would meet the sim a moment later. The shell reports idle where no playground will mount.
 */
let busy = true;
let waiters: (() => void)[] = [];

export function setPageSimBusy(b: boolean): void {
  busy = b;
  if (b) return;
  const w = waiters;
  waiters = [];
  for (const f of w) f();
}

/**
 * Resolves once the page's sim is not computing. It looks after the tasks queued so far have
 * run: a change made in the caller's task (another preset chosen) is rendered by then, and
 * its sim counted.
 */
export async function pageSimIdle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  if (busy) await new Promise<void>((r) => waiters.push(r));
}
