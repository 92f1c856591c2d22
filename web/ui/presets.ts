/**
 * Presets: the scenarios/*.json files, one per embodiment of the patent and one for each
 * weakness of the prior art, plus a few stories (pair creation, a hotspot, a resync).
 * Bundled at build time and validated like any link, so a broken preset fails loudly in
 * the e2e tests. Menus show short titles; the scenario's own name is the longer description.
 */
import { validateScenario } from '../../src/scenario/validate.ts';
import { DEFAULT_SCENARIO, type Mode, type Scenario } from '../../src/scenario/schema.ts';

const files = import.meta.glob('../../scenarios/*.json', { eager: true, import: 'default' }) as Record<string, unknown>;

export interface Preset { file: string; title: string; scenario: Scenario }

/** Sorted by mode order so the list reads E1, E2, E2h, E3, E4, then the prior art's two weaknesses. */
const ORDER: Mode[] = ['E1', 'E2', 'E2h', 'E3', 'E4', 'sync', 'naive'];

/** Menu titles, short enough for a menu at 390 px. */
const TITLES: Record<string, string> = {
  'e1-priority-copy.json': 'E1 · priority copy',
  'e2-wait-differential.json': 'E2 · wait for the whole differential',
  'e2h-poll-svol-state.json': 'E2h · backup server polls the S-VOL state',
  'e3-staging-merge.json': 'E3 · staging merge',
  'e4-combined-command.json': 'E4 · one combined command',
  'sync-prior-art.json': 'Prior art · the split waits for the copy',
  'naive-quick-split-inconsistent.json': 'Prior art · no guarantee (fails)',
  'formation-then-backup.json': 'Pair creation, then backup (E3)',
  'hotspot-range-check.json': 'Hotspot, whole range checked (E1)',
  'resync-cycle.json': 'Back up, resync, back up again (E3)',
  'incremental-restore.json': 'Full and incremental backups, restores (E3)',
  'fault-tape-write-error.json': 'Fault · tape write error (E3)',
  'fault-svol-write-error.json': 'Fault · S-VOL write error, PSUE (E1)',
  'fault-media-error.json': 'Fault · media error on the S-VOL (E3)',
  'fault-quota.json': 'Fault · quota runs out (E3)',
  'fault-processor-restart.json': 'Fault · processor restarted (E1)',
};

/** The faults' presets (one per fault kind, docs/scenario.md#faults) come after the modes'. */
const faulty = (p: { scenario: Scenario }) => (p.scenario.faults?.length ? 1 : 0);

export const PRESETS: readonly Preset[] = Object.entries(files)
  .map(([path, json]) => {
    const file = path.split('/').pop()!;
    const scenario = validateScenario(json);
    return { file, title: TITLES[file] ?? scenario.name, scenario };
  })
  .sort((a, b) => faulty(a) - faulty(b) || ORDER.indexOf(a.scenario.mode) - ORDER.indexOf(b.scenario.mode) || a.file.localeCompare(b.file));

/** Mode menu labels. */
export const MODE_LABELS: Record<Mode, string> = {
  E1: 'E1 · priority copy',
  E2: 'E2 · wait for the whole differential',
  E2h: 'E2h · backup server polls 517',
  E3: 'E3 · staging merge in 515',
  E4: 'E4 · one combined command',
  sync: 'sync · prior art: split waits',
  naive: 'naive · prior art: no guarantee',
};

/** Figures of the patent each mode follows (docs/patent.md#the-flows). */
export const MODE_FIGS: Record<Mode, string> = {
  E1: 'Figs. 3, 4', E2: 'Figs. 5, 6', E2h: 'Fig. 7', E3: 'Figs. 8, 9', E4: 'Figs. 10, 11', sync: 'prior art', naive: 'prior art',
};

/** The scenario without the fields a preset family shares by design (its name, and the mode). */
const body = (s: Scenario, mode = true) => JSON.stringify({ ...s, name: '', ...(mode ? {} : { mode: '' }) });

/** The preset this scenario is (its name aside: the built-in default is the E1 preset), or null. */
export function presetOf(s: Scenario): Preset | null {
  const b = body(s);
  return PRESETS.find((p) => body(p.scenario) === b) ?? null;
}

export function presetByFile(file: string): Preset | null {
  return PRESETS.find((p) => p.file === file) ?? null;
}

/**
 * The scenario with another mode. The seven mode presets are one scenario in seven modes:
 * switching the mode of one of them lands on its sibling preset (name included), so the
 * Preset menu and the Mode menu never disagree. Any other scenario keeps its name.
 */
export function withMode(s: Scenario, mode: Mode): Scenario {
  const b = body(s, false);
  const sibling = PRESETS.find((p) => p.scenario.mode === mode && body(p.scenario, false) === b);
  return sibling ? structuredClone(sibling.scenario) : { ...s, mode };
}

/** What the page opens with: the E1 preset (the built-in default under the preset's own name). */
export const START_SCENARIO: Scenario = presetByFile('e1-priority-copy.json')?.scenario ?? DEFAULT_SCENARIO;
