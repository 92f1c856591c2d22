/**
 * Builds the app (plus the bench page web/bench/bench.html) into a temporary folder and
 * serves it with `vite preview`, so the benchmark drives the same bundle a user gets, with
 * the isolation headers of vite.config.ts (docs/architecture.md#concurrency: shared memory
 * needs COOP/COEP). A folder of its own keeps dist/ (the e2e tests' build) untouched, and a
 * port other than 4173 keeps clear of the e2e tests' server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview, type PreviewServer } from 'vite';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BENCH_PORT = 4291;

export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

export async function serveBenchBuild(port = BENCH_PORT): Promise<BenchServer> {
  const outDir = mkdtempSync(join(tmpdir(), 'splitstream-bench-'));
  const configFile = resolve(ROOT, 'vite.config.ts');
  await build({
    root: ROOT, configFile, logLevel: 'warn',
    build: {
      outDir, emptyOutDir: true,
      rolldownOptions: { input: { main: resolve(ROOT, 'index.html'), bench: resolve(ROOT, 'web/bench/bench.html') } },
    },
  });
  const server: PreviewServer = await preview({
    root: ROOT, configFile, logLevel: 'warn',
    build: { outDir },
    preview: { port, strictPort: true, host: '127.0.0.1' },
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
