/** Node-only: reads a scenario JSON file for `splitstream scsi --scenario file.json`. */
import { readFile } from 'node:fs/promises';
import { validateScenario } from '../scenario/validate.ts';
import type { Scenario } from '../scenario/schema.ts';

export async function loadScenarioFile(path: string): Promise<Scenario> {
  return validateScenario(JSON.parse(await readFile(path, 'utf8')) as unknown);
}
