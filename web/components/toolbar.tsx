/**
 * Scenario toolbar: presets (one per embodiment and one for the prior art, presets.ts),
 * the backup mode, the seed, the client write rate and the differential 514
 * pending at the start (the knobs that change the story most), and the share button that
 * copies the permalink.
 */
import { useState } from 'preact/hooks';
import { ALL_MODES, DEFAULT_SCENARIO, type Mode, type Scenario } from '../../src/scenario/schema.ts';
import { PRESETS, MODE_LABELS } from '../ui/presets.ts';
import { NumberInput } from './number-input.tsx';

interface Props {
  scenario: Scenario;
  onChange: (s: Scenario) => void;
  onHelp: () => void;
  shareRef: { current: (() => void) | null };
  /** An uploaded volume image is in use: the link cannot carry it (use-volume-image.ts). */
  imageInUse?: boolean;
  /** Which runtime the playground shows: the deterministic sim or the live one. */
  runtime?: 'sim' | 'live';
  onRuntime?: (r: 'sim' | 'live') => void;
}

export function Toolbar({ scenario, onChange, onHelp, shareRef, imageInUse, runtime = 'sim', onRuntime }: Props) {
  const [copied, setCopied] = useState<string | null>(null);
  // A preset is selected only while the scenario is exactly it; any edit makes it custom.
  const json = JSON.stringify(scenario);
  const presetIndex = PRESETS.findIndex((p) => JSON.stringify(p.scenario) === json);
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
              class={runtime === r ? 'primary' : ''} onClick={() => onRuntime(r)} title="Switch the runtime (V)">
              {r === 'sim' ? 'Sim' : 'Live'}
            </button>
          ))}
        </div>
      )}
      <label>
        Preset
        <select data-testid="preset" value={presetIndex >= 0 ? String(presetIndex) : ''}
          onChange={(e) => {
            const i = Number((e.currentTarget as HTMLSelectElement).value);
            if (PRESETS[i]) onChange(structuredClone(PRESETS[i].scenario));
          }}>
          {presetIndex < 0 && (
            <option value="">{json === JSON.stringify(DEFAULT_SCENARIO) ? 'Default: ' : '(edited) '}{scenario.name}</option>
          )}
          {PRESETS.map((p, i) => <option key={p.file} value={String(i)}>{p.scenario.name}</option>)}
        </select>
      </label>
      <label>
        Mode
        <select data-testid="mode" value={scenario.mode}
          onChange={(e) => onChange({ ...scenario, mode: (e.currentTarget as HTMLSelectElement).value as Mode })}>
          {ALL_MODES.map((m) => <option key={m} value={m}>{m}: {MODE_LABELS[m]}</option>)}
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
      <label title="Share of blocks whose update has not reached the S-VOL at t = 0 (bits set in 514)">
        Pending at start %
        <NumberInput min={0} max={100} step={5} value={Math.round(scenario.initial.pending * 100)}
          style={{ width: '4.5rem' }} data-testid="pending"
          commit={(v) => { if (v >= 0 && v <= 100) onChange({ ...scenario, initial: { ...scenario.initial, pending: v / 100 } }); }} />
      </label>
      <button type="button" class="primary" onClick={share} data-testid="share" title="Copy the link to this scenario (L)">
        Share link
      </button>
      <button type="button" onClick={onHelp} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">?</button>
      <span role="status" class="muted" data-testid="share-status">{copied}</span>
    </div>
  );
}
