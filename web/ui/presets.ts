/**
 * Presets: the scenarios/*.json files, one per embodiment of the
 * patent and one for the prior art, each named after what it shows. Bundled at build time
 * and validated like any link, so a broken preset fails loudly in the e2e tests.
 */
import { validateScenario } from '../../src/scenario/validate.ts';
import type { Mode, Scenario } from '../../src/scenario/schema.ts';

const files = import.meta.glob('../../scenarios/*.json', { eager: true, import: 'default' }) as Record<string, unknown>;

export interface Preset { file: string; scenario: Scenario }

/** Sorted by mode order so the list reads E1, E2, E2h, E3, E4, then the prior art's two weaknesses. */
const ORDER: Mode[] = ['E1', 'E2', 'E2h', 'E3', 'E4', 'sync', 'naive'];

/** The faults' presets (one per fault kind, docs/scenario.md#faults) come after the modes'. */
const faulty = (p: Preset) => (p.scenario.faults?.length ? 1 : 0);

export const PRESETS: readonly Preset[] = Object.entries(files)
  .map(([path, json]) => ({ file: path.split('/').pop()!, scenario: validateScenario(json) }))
  .sort((a, b) => faulty(a) - faulty(b) || ORDER.indexOf(a.scenario.mode) - ORDER.indexOf(b.scenario.mode) || a.file.localeCompare(b.file));

/** One line per mode, from docs/patent.md#the-flows. */
export const MODE_LABELS: Record<Mode, string> = {
  E1: 'priority copy (Figs. 3, 4)',
  E2: 'wait for the whole differential (Figs. 5, 6)',
  E2h: 'backup server polls 517 (Fig. 7)',
  E3: 'staging merge in 515 (Figs. 8, 9)',
  E4: 'one combined command (Figs. 10, 11)',
  sync: 'prior art: split waits for the copy',
  naive: 'prior art: quick split + EXTENDED COPY without the guarantee',
};
