#!/usr/bin/env node
// `npm run bench`: the headless Chromium benchmark (tests/bench/bench-run.ts, through tsx).
// Builds wasm/build/core.wasm first if it is missing. `--smoke` is the tiny run `npm test`
// does; `--json FILE` writes every figure; see tests/bench/bench-plan.ts for every option.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

if (!existsSync(`${root}wasm/build/core.wasm`) && run(['wasm/build.js']) !== 0) process.exit(1);
process.exit(run(['--import', 'tsx', 'tests/bench/bench-run.ts', ...process.argv.slice(2)]));
