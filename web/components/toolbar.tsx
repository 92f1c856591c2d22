/**
 * Scenario toolbar: the runtime (Sim or Live), presets (one per embodiment and one per
 * weakness of the prior art), the backup mode, the seed, the client write rate and the
 * share of blocks pending at the start (the knobs that change the story most), the share
 * button that copies the permalink, the tour and help. Preset and Mode never disagree:
 * changing the mode of a mode preset selects its sibling preset (presets.ts withMode).
 */
import { useState } from 'preact/hooks';
import { ALL_MODES, type Mode, type Scenario } from '../../src/scenario/schema.ts';
import { MODE_FIGS, MODE_LABELS, PRESETS, presetByFile, presetOf, withMode } from '../ui/presets.ts';
import { NumberInput } from './number-input.tsx';

interface Props {
  scenario: Scenario;
  onChange: (s: Scenario) => void;
  onHelp: () => void;
  onTour: () => void;
  shareRef: { current: (() => void) | null };
  /** An uploaded volume image is in use: the link cannot carry it (use-volume-image.ts). */
  imageInUse?: boolean;
  /** Which runtime the playground shows: the deterministic sim or the live one. */
  runtime?: 'sim' | 'live';
  onRuntime?: (r: 'sim' | 'live') => void;
}

export function Toolbar({ scenario, onChange, onHelp, onTour, shareRef, imageInUse, runtime = 'sim', onRuntime }: Props) {
  const [copied, setCopied] = useState<string | null>(null);
  const preset = presetOf(scenario);
  const share = async () => {
    const url = location.href;
    try {
      await navigator.clipboard.writeText(url);
      setCopied(imageInUse ? 'Link copied: it runs from the seeded content, not the uploaded image' : 'Link copied');
    } catch {
      // Clipboard can be refused (permissions, insecure context): show the link to copy by hand.
      setCopied('Copy this link: ' + url);
    }
    setTimeout(() => setCopied(null), 4000);
  };
  shareRef.current = share;
  return (
    <div class="toolbar" data-testid="toolbar">
      {onRuntime && (
        <div class="runtime-switch" role="radiogroup" aria-label="Runtime (V)" data-testid="runtime" data-runtime={runtime}>
          {(['sim', 'live'] as const).map((r) => (
            <button type="button" role="radio" key={r} aria-checked={runtime === r} data-testid={`runtime-${r}`}
              class={runtime === r ? 'primary' : ''} onClick={() => onRuntime(r)}
              title={r === 'sim' ? 'Sim: a virtual clock and a cost model, the same on every machine (V)' : 'Live: the same controller in this browser’s workers, real time (V)'}>
              {r === 'sim' ? 'Sim' : 'Live'}
            </button>
          ))}
        </div>
      )}
      <label>
        Preset
        <select data-testid="preset" value={preset?.file ?? ''} title={scenario.name}
          onChange={(e) => {
            const p = presetByFile((e.currentTarget as HTMLSelectElement).value);
            if (p) onChange(structuredClone(p.scenario));
          }}>
          {!preset && <option value="">Custom scenario · {scenario.mode}</option>}
          {PRESETS.map((p) => <option key={p.file} value={p.file} title={p.scenario.name}>{p.title}</option>)}
        </select>
      </label>
      <label>
        Mode
        <select data-testid="mode" value={scenario.mode}
          onChange={(e) => onChange(withMode(scenario, (e.currentTarget as HTMLSelectElement).value as Mode))}>
          {ALL_MODES.map((m) => <option key={m} value={m} title={MODE_FIGS[m]}>{MODE_LABELS[m]}</option>)}
        </select>
      </label>
      <label>
        Seed
        <NumberInput min={0} step={1} value={scenario.seed} style={{ width: '6rem' }} data-testid="seed"
          commit={(v) => { if (Number.isInteger(v) && v >= 0) onChange({ ...scenario, seed: v }); }} />
      </label>
      <label>
        Client writes/s
        <NumberInput min={0} max={100000} step={500} value={scenario.workload.rate} style={{ width: '6.5rem' }}
          data-testid="rate"
          commit={(v) => { if (v >= 0 && v <= 100000) onChange({ ...scenario, workload: { ...scenario.workload, rate: v } }); }} />
      </label>
      <label title="Share of blocks whose update has not reached the S-VOL at t = 0 (bits set in the differential 514)">
        Pending at start %
        <NumberInput min={0} max={100} step={5} value={Math.round(scenario.initial.pending * 100)}
          style={{ width: '4.5rem' }} data-testid="pending"
          commit={(v) => { if (v >= 0 && v <= 100) onChange({ ...scenario, initial: { ...scenario.initial, pending: v / 100 } }); }} />
      </label>
      <button type="button" class="primary" onClick={share} data-testid="share" title="Copy the link to this scenario (L)">
        Share link
      </button>
      <button type="button" onClick={onTour} data-testid="tour-open" title="A guided run through the story, in eight steps (T)">Tour</button>
      <button type="button" onClick={onHelp} data-testid="help-open" title="Glossary, about the patent, keyboard shortcuts (?)" aria-label="Help: glossary, about, keys">?</button>
      <span role="status" class="muted" data-testid="share-status">{copied}</span>
    </div>
  );
}
