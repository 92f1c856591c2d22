/**
 * Why the page can or cannot share memory between workers (docs/architecture.md#concurrency):
 * a shared WebAssembly.Memory needs SharedArrayBuffer, which browsers give only to
 * cross-origin-isolated pages. Returns a plain sentence for the user when it is impossible.
 */
export interface Isolation {
  isolated: boolean;
  /** Why not, in words a user can act on; empty when isolated. */
  reason: string;
}

export function checkIsolation(): Isolation {
  if (globalThis.crossOriginIsolated) return { isolated: true, reason: '' };
  if (location.protocol === 'file:') {
    return {
      isolated: false,
      reason:
        'Opened from a file:// URL, where browsers never allow shared memory. Serve the folder over HTTP ' +
        '(for example `npm start`, or any static server) and open it from there.',
    };
  }
  if (typeof SharedArrayBuffer === 'undefined' && !('serviceWorker' in navigator)) {
    return {
      isolated: false,
      reason:
        'This browser offers neither SharedArrayBuffer nor service workers, so the page cannot become ' +
        'cross-origin isolated. Use a current Chromium, Firefox or Safari.',
    };
  }
  if (!globalThis.isSecureContext) {
    return {
      isolated: false,
      reason: 'The page is not a secure context (use https:// or http://localhost), so isolation is impossible.',
    };
  }
  return {
    isolated: false,
    reason:
      'The page is not cross-origin isolated yet: the server sends no COOP/COEP headers and the ' +
      'isolation service worker has not taken over (it reloads the page once; if this stays, the ' +
      'browser refused the service worker).',
  };
}
