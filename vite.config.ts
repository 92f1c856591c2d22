import { defineConfig, type Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Cross-origin isolation (docs/architecture.md#concurrency): SharedArrayBuffer and a shared
 * WebAssembly.Memory need COOP same-origin + COEP require-corp. `vite` and `vite preview`
 * send them; a static host that sends no headers gets them from coi-serviceworker.
 */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const COI_FILE = 'coi-serviceworker.js';

/**
 * Serves coi-serviceworker unbundled from the site's own origin (a service worker must be a
 * same-origin script at a stable URL) and loads it first in the page as a classic script.
 */
function coiServiceWorker(): Plugin {
  const source = () =>
    readFileSync(createRequire(import.meta.url).resolve(`coi-serviceworker/${COI_FILE}`), 'utf8');
  return {
    name: 'splitstream:coi-serviceworker',
    transformIndexHtml: () => [{ tag: 'script', attrs: { src: `./${COI_FILE}` }, injectTo: 'head-prepend' }],
    configureServer(server) {
      server.middlewares.use(`/${COI_FILE}`, (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript');
        res.end(source());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: COI_FILE, source: source() });
    },
  };
}

export default defineConfig({
  // Relative base: dist/ works from any folder of a static host.
  base: './',
  plugins: [coiServiceWorker()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders, port: 4173, strictPort: true },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // Never inline the WASM core as a data URL: compile it once from its own URL.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
  },
});
