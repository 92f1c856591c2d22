#!/usr/bin/env node
// `npm run bench:core`: the core benchmark (tests/bench/core-bench.ts, run through tsx).
// Builds wasm/build/core.wasm first if it is missing. Pass --json for one JSON object.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

if (!existsSync(`${root}wasm/build/core.wasm`) && run(['wasm/build.js']) !== 0) process.exit(1);
process.exit(run(['--import', 'tsx', 'tests/bench/core-bench.ts', ...process.argv.slice(2)]));
