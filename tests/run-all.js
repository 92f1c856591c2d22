#!/usr/bin/env node
// `npm test`: builds the app, runs every Node-side test (Vitest) and every browser test
// (Playwright, against the built dist/), and ends with one plain line totalling both:
// "N passed, N failed". Exits non-zero if anything failed or either runner broke.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = mkdtempSync(join(tmpdir(), 'splitstream-test-'));
const env = { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR };
const run = (cmd, args, extraEnv = {}) =>
  spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extraEnv } }).status ?? 1;

let broken = [];
if (run('npm', ['run', 'build']) !== 0) broken.push('build');

const vitestJson = join(out, 'vitest.json');
const vitestCode = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
const pwJson = join(out, 'playwright.json');
const pwCode = broken.includes('build')
  ? 1
  : run('npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });

let passed = 0;
let failed = 0;
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  if (vitestCode !== 0 && v.numFailedTests === 0) broken.push('vitest');
} else broken.push('vitest');
if (existsSync(pwJson)) {
  const s = JSON.parse(readFileSync(pwJson, 'utf8')).stats;
  passed += s.expected + s.flaky;
  failed += s.unexpected;
  if (pwCode !== 0 && s.unexpected === 0) broken.push('playwright');
} else broken.push('playwright');

if (broken.length) console.log(`runners that broke without a test result: ${broken.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && broken.length === 0 && passed > 0 ? 0 : 1);
