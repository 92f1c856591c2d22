#!/usr/bin/env node
// `npm run soak -- --runs N [--seed S] [--json]`: randomized scenarios × every mode × faults
// in the sim, each checked by the oracle and the invariants (tests/soak/soak-cli-node.ts,
// through tsx). Builds wasm/build/core.wasm first if it is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

if (!existsSync(`${root}wasm/build/core.wasm`) && run(['wasm/build.js']) !== 0) process.exit(1);
process.exit(run(['--import', 'tsx', 'tests/soak/soak-cli-node.ts', ...process.argv.slice(2)]));
