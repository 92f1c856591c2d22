/**
 * Commands: create pair, split, resync, backup (mode, range) and poll (RECEIVE COPY
 * RESULTS). In the sim a command is part of the scenario's script (schema.ts): a
 * button adds it at the playhead, the scenario reruns, the link updates. The selected
 * command is shown on the wire: CDB and parameter list as hex beside their decoded
 * fields, then the response with its sense decoded (docs/scsi.md#sense-codes).
 */
import type { BackupCmd, PairOp, RestoreCmd, Scenario, ScriptCmd } from '../../src/scenario/schema.ts';
import { LIMITS } from '../../src/scenario/schema.ts';
import { useState } from 'preact/hooks';
import { HexView } from './hex-view.tsx';
import { NumberInput } from './number-input.tsx';
import { clampTransfer, transferBounds } from '../ui/backup-form.ts';
import type { ExchangeView } from '../ui/view-model.ts';
import { cdbFields, copyStatusFields, pairQueryFields, senseFields, senseSummary, xcopyParamFields } from '../ui/scsi-fields.ts';

export type Selection = { kind: 'script'; index: number } | { kind: 'poll' };

interface Props {
  scenario: Scenario;
  time: number;
  selection: Selection | null;
  exchange: ExchangeView | null;
  onSelect: (s: Selection) => void;
  onScript: (script: ScriptCmd[]) => void;
  backupForm: BackupForm;
  onBackupForm: (f: BackupForm) => void;
}

export type BackupForm = Pick<BackupCmd, 'lba' | 'blocks' | 'transferBlocks' | 'check' | 'level'>;

const at3 = (t: number) => Math.round(t * 1000) / 1000;

/** Insert keeping the script ordered by time (a stable insert: same-time commands keep order). */
export function insertCommand(script: readonly ScriptCmd[], cmd: ScriptCmd): ScriptCmd[] {
  const i = script.findIndex((c) => c.at > cmd.at);
  const out = script.slice();
  out.splice(i < 0 ? out.length : i, 0, cmd);
  return out;
}

export function CommandPanel(p: Props) {
  const { scenario, time, selection, exchange, backupForm: bf } = p;
  const full = scenario.script.length >= LIMITS.maxScript;
  const add = (cmd: ScriptCmd) => {
    const script = insertCommand(scenario.script, cmd);
    p.onScript(script);
    p.onSelect({ kind: 'script', index: script.indexOf(cmd) });
  };
  const pair = (op: PairOp) => add({ at: at3(time), op });
  const whole = (v: number) => Math.max(0, Math.floor(v || 0));
  const bb = scenario.geometry.blockBytes;
  const tb = transferBounds(scenario.geometry);
  return (
    <div class="commands" data-testid="commands">
      <div class="cmd-buttons">
        <fieldset>
          <legend>Pair commands (to the pair command volume 603), at {time.toFixed(3)} simulated ms</legend>
          <button type="button" disabled={full} onClick={() => pair('create')} data-testid="cmd-create" title="P">Create pair</button>
          <button type="button" disabled={full} onClick={() => pair('split')} data-testid="cmd-split" title="S">Split</button>
          <button type="button" disabled={full} onClick={() => pair('resync')} data-testid="cmd-resync" title="R">Resync</button>
          <button type="button" disabled={full} onClick={() => pair('delete')}>Delete</button>
        </fieldset>
        <fieldset>
          <legend>Backup: EXTENDED COPY (to the backup command volume 604), mode {scenario.mode}</legend>
          <label title="First block of the range (logical block address)">first block (LBA) <NumberInput min={0} value={bf.lba} commit={(v) => p.onBackupForm({ ...bf, lba: whole(v) })} /></label>
          <label>blocks <NumberInput min={0} value={bf.blocks} title="0 = to the end of the volume"
            commit={(v) => p.onBackupForm({ ...bf, blocks: whole(v) })} /></label>
          <label title={`One tape record: at most ${LIMITS.maxTransferBytes} bytes, so ${tb.max} blocks of ${bb} bytes`}>
            blocks per tape record <NumberInput min={tb.min} max={tb.max} step={1} value={bf.transferBlocks}
              data-testid="transfer-blocks"
              commit={(v) => p.onBackupForm({ ...bf, transferBlocks: clampTransfer(v, scenario.geometry) })} />
            <span class="muted" data-testid="record-bytes"> = {(bf.transferBlocks * bb).toLocaleString('en')} B per record (max {tb.max})</span>
          </label>
          <label>check the differential (514)
            <select value={bf.check} onChange={(e) => p.onBackupForm({ ...bf, check: (e.currentTarget as HTMLSelectElement).value as 'unit' | 'range' })}>
              <option value="unit">per transfer unit</option>
              <option value="range">whole range first</option>
            </select>
          </label>
          <label title="A catalogued backup: a full starts a chain, an incremental holds only the blocks changed since the chain's last backup's split">catalog
            <select value={bf.level ?? ''} data-testid="backup-level"
              onChange={(e) => {
                const v = (e.currentTarget as HTMLSelectElement).value;
                const { level: _, ...rest } = bf;
                p.onBackupForm(v ? { ...rest, level: v as 'full' | 'incremental' } : rest);
              }}>
              <option value="">none (plain backup)</option>
              <option value="full">full</option>
              <option value="incremental">incremental</option>
            </select>
          </label>
          <button type="button" disabled={full} data-testid="cmd-backup" title="B"
            onClick={() => add({ at: at3(time), op: 'backup', ...bf })}>Backup</button>
        </fieldset>
        <RestoreFields disabled={full} onAdd={(r) => add({ at: at3(time), op: 'restore', ...r })} />
        <fieldset>
          <legend>Poll: how far is the backup?</legend>
          <button type="button" onClick={() => p.onSelect({ kind: 'poll' })} data-testid="cmd-poll" title="O">
            RECEIVE COPY RESULTS at {time.toFixed(3)} simulated ms
          </button>
        </fieldset>
        <h3 class="h-small">Script ({scenario.script.length}/{LIMITS.maxScript})</h3>
        <ol class="script" data-testid="script">
          {scenario.script.map((c, i) => (
            <li key={`${i}-${c.at}-${c.op}`}>
              <button type="button" class={selection?.kind === 'script' && selection.index === i ? 'sel' : ''}
                onClick={() => p.onSelect({ kind: 'script', index: i })} aria-label={`Show ${c.op} at ${c.at} ms`}>
                {c.at.toFixed(3)} ms {c.op}{c.op === 'backup' ? ` ${c.lba}+${c.blocks || 'end'}${c.level ? ` ${c.level}` : ''}` : ''}
                {c.op === 'restore' ? ` point ${c.point} to ${c.to === 'disk' ? 'backup disk' : 'S-VOL'}` : ''}
              </button>
              <button type="button" class="link" aria-label={`Remove ${c.op} at ${c.at} ms`}
                onClick={() => p.onScript(scenario.script.filter((_, k) => k !== i))}>remove</button>
            </li>
          ))}
        </ol>
      </div>
      <div class="exchange" data-testid="exchange">
        {exchange ? <Exchange x={exchange} /> : <p class="muted">Select a command to see its bytes.</p>}
      </div>
    </div>
  );
}

/** Restore (EXTENDED COPY 01h, stream → block): a catalog point back onto a volume. */
function RestoreFields({ disabled, onAdd }: { disabled: boolean; onAdd: (r: Pick<RestoreCmd, 'point' | 'to'>) => void }) {
  const [point, setPoint] = useState(0);
  const [to, setTo] = useState<RestoreCmd['to']>('disk');
  return (
    <fieldset>
      <legend>Restore: EXTENDED COPY 01h (to 604)</legend>
      <label title="The catalog's restore point: 0 is the first catalogued backup on the tape">point
        <NumberInput min={0} max={LIMITS.maxScript - 1} value={point} data-testid="restore-point"
          commit={(v) => setPoint(Math.max(0, Math.min(LIMITS.maxScript - 1, Math.floor(v || 0))))} /></label>
      <label>to
        <select value={to} data-testid="restore-target" onChange={(e) => setTo((e.currentTarget as HTMLSelectElement).value as RestoreCmd['to'])}>
          <option value="disk">the backup disk</option>
          <option value="svol">the S-VOL (while split)</option>
        </select>
      </label>
      <button type="button" disabled={disabled} data-testid="cmd-restore" onClick={() => onAdd({ point, to })}>Restore</button>
    </fieldset>
  );
}

function Exchange({ x }: { x: ExchangeView }) {
  return (
    <div>
      <h3 class="h-small">{x.title} <span class="muted">{x.path}</span></h3>
      <HexView title="CDB" bytes={x.cdb} fields={cdbFields(x.cdb)} testId="hex-cdb" />
      {x.dataOut && <HexView title="Parameter list (data-out)" bytes={x.dataOut} fields={xcopyParamFields(x.dataOut)} testId="hex-params" />}
      <p class="status-line" data-testid="response-status">
        Response: <b>{x.status}</b>{x.sense && <> — <span data-testid="sense-summary">{senseSummary(x.sense)}</span></>}
      </p>
      {x.dataIn && (
        <HexView title="Data-in" bytes={x.dataIn} testId="hex-datain"
          fields={x.dataInKind === 'copy-status' ? copyStatusFields(x.dataIn) : x.dataInKind === 'pair-query' ? pairQueryFields(x.dataIn) : []} />
      )}
      {x.sense && <HexView title="Sense data (fixed format 70h)" bytes={x.sense} fields={senseFields(x.sense)} testId="hex-sense" />}
      {x.notes.map((n, i) => <p class="muted" key={i}>{n}</p>)}
    </div>
  );
}
