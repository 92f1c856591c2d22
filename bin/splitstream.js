#!/usr/bin/env node
// The `splitstream` command: runs the TypeScript CLI (src/cli.ts) through tsx, so it works
// after `npm ci` alone, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
