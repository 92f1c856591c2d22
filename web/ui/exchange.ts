/**
 * One command and its answer, for the hex view: the bytes come from
 * command-bytes.ts (the SCSI layer's encoders), the answer from the run's event log
 * (the k-th `<op>.cmd` is answered by the k-th `<op>.ack`, docs/patent.md#the-flows), and a
 * refusal is the sense the SCSI layer gives it: 05/2C/00 COMMAND SEQUENCE ERROR
 * (src/scsi/array-lus.ts, array-engine.ts). A poll is answered from the state at the
 * playhead: COPY STATUS of the backup (docs/scsi.md#receive-copy-results), or 05/24/00 when
 * no copy with that list identifier exists yet.
 */
import type { Snapshot } from '../../src/runtime/sim.ts';
import type { SimEvent } from '../../src/array/events.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { encodeSense, SENSE } from '../../src/scsi/sense.ts';
import { encodeCopyStatus, type CopyState } from '../../src/scsi/receive-copy-results.ts';
import { backupParams, checkParams, LIST_ID, pairCdb, pollCdb, xcopyCdb } from './command-bytes.ts';
import type { Catalog } from '../../src/devices/tape-catalog.ts';
import { restoreLists } from '../../src/scsi/restore-lists.ts';
import type { ExchangeView } from './view-model.ts';

const ms = (t: number) => `${t.toFixed(3)} ms`;

/** The k-th event named `ev` (optionally from `actor`). */
function nth(events: readonly SimEvent[], ev: string, k: number, actor?: string): SimEvent | undefined {
  let seen = 0;
  for (const e of events) {
    if (e.ev !== ev || (actor && e.actor !== actor)) continue;
    if (seen++ === k) return e;
  }
  return undefined;
}

function details(e: SimEvent | undefined): string {
  return e?.detail ? Object.entries(e.detail).map(([k, v]) => `${k}=${v}`).join(', ') : '';
}

function pollExchange(s: Scenario, snap: Snapshot, t: number): ExchangeView {
  const cdb = pollCdb();
  const b = snap.backup;
  const base = { title: `RECEIVE COPY RESULTS (COPY STATUS, list ${LIST_ID}) at ${ms(t)}`, path: '102 → 502 via 604', cdb, dataOut: null };
  if (!b || b.status === 'queued' || b.status === 'refused') {
    return {
      ...base, status: 'CHECK CONDITION', dataIn: null, dataInKind: null,
      sense: encodeSense({ ...SENSE.INVALID_FIELD_IN_CDB, field: { cdb: true, byte: 2 } }),
      notes: ['No copy with this list identifier is known to the copy manager yet (SPC-4: an unknown list identifier is 05/24/00).'],
    };
  }
  const state: CopyState = b.status === 'done' ? 'completed' : b.status === 'failed' ? 'completed with errors' : 'in progress';
  return {
    ...base, status: 'GOOD', sense: null, dataInKind: 'copy-status',
    dataIn: encodeCopyStatus({ state, heldDataDiscarded: false, segmentsProcessed: b.segmentsDone, bytes: b.bytesDone }),
    notes: [
      `Backup ${b.status}: ${b.blocksDone} of ${b.totalBlocks} blocks streamed.`,
      s.mode === 'E4' ? 'In embodiment 4 the backup server learns the end exactly this way (rcr.poll in the timeline).' : '',
    ].filter(Boolean),
  };
}

/** What a restore's bytes need of the run's tape: its catalog. */
export interface TapeFacts { catalog: Catalog }

export function exchangeOf(s: Scenario, index: number, t: number, snap: Snapshot | null, events: readonly SimEvent[], tape?: TapeFacts): ExchangeView | null {
  if (index < 0) return snap ? pollExchange(s, snap, t) : null;
  const cmd = s.script[index];
  if (!cmd) return null;
  // Embodiment 4 (Figs. 10–11): a split followed by a backup is one combined command.
  const combinedSplit = s.mode === 'E4' && cmd.op === 'split' && s.script[index + 1]?.op === 'backup';
  if (combinedSplit) {
    const v = exchangeOf(s, index + 1, t, snap, events);
    return v && { ...v, notes: ['Embodiment 4: no separate split; the EXTENDED COPY below carries it (C0h segment).', ...v.notes] };
  }
  const k = s.script.slice(0, index).filter((c) => c.op === cmd.op && !(s.mode === 'E4' && c.op === 'split')).length;
  if (cmd.op === 'restore') return restoreExchange(cmd, k, events, tape);
  if (cmd.op === 'backup') {
    const list = backupParams(s, cmd);
    const sent = nth(events, 'backup.cmd', k, '102');
    const answer = sent && events.find((e) => e.actor === '502' && e.t >= sent.t && (e.ev === 'backup.accepted' || e.ev === 'backup.refused'));
    const end = sent && events.find((e) => e.actor === '502' && e.t >= sent.t && e.ev === 'backup.report');
    const refused = answer?.ev === 'backup.refused';
    const bad = checkParams(list);
    return {
      title: `EXTENDED COPY (LID1), backup ${cmd.lba}+${cmd.blocks || 'to end'} in mode ${s.mode}`,
      path: '102 → 502 via 604',
      cdb: xcopyCdb(list), dataOut: list,
      status: !answer ? 'not sent in this run' : refused ? 'CHECK CONDITION' : 'GOOD',
      dataIn: null, dataInKind: null,
      sense: refused ? encodeSense(SENSE.COMMAND_SEQUENCE_ERROR) : null,
      notes: [
        sent ? `Sent at ${ms(sent.t)}.` : 'The script ended before this command was sent.',
        answer ? `${refused ? 'Refused' : 'Accepted'} at ${ms(answer.t)} (${ms(answer.t - sent!.t)} later) ${details(answer)}.` : '',
        end ? `Backup ended at ${ms(end.t)}: ${details(end)}.` : '',
        bad ? `The SCSI parser would refuse this list: ${bad}` : '',
        s.mode === 'naive' ? 'Mode naive (the prior art without the guarantee): the same list, but the array streams the S-VOL as it is, never checking the differential (514); the SCSI wire itself serves only the patent\'s modes.' : '',
      ].filter(Boolean),
    };
  }
  const sent = nth(events, `${cmd.op}.cmd`, k, '101');
  const ack = nth(events, `${cmd.op}.ack`, k, '501');
  const refused = ack?.detail && 'refused' in ack.detail;
  return {
    title: `PAIR OPERATION ${cmd.op} at ${ms(cmd.at)}`,
    path: '101 → 501 via 603',
    cdb: pairCdb(cmd.op), dataOut: null,
    status: !ack ? 'not answered in this run' : refused ? 'CHECK CONDITION' : 'GOOD',
    dataIn: null, dataInKind: null,
    sense: refused ? encodeSense(SENSE.COMMAND_SEQUENCE_ERROR) : null,
    notes: [
      sent ? `Sent at ${ms(sent.t)}.` : 'Not sent in this run.',
      ack && sent ? `Answered at ${ms(ack.t)} (${ms(ack.t - sent.t)} later): ${details(ack)}.` : '',
      cmd.op === 'split' && s.mode === 'sync' ? 'Prior art: the split answers only once the differential reached the S-VOL.' : '',
    ].filter(Boolean),
  };
}

/**
 * A restore: the first EXTENDED COPY list of 01h segments a SCSI host sends for the point
 * (restore-bytes.ts), with where the tape is positioned and how many lists follow; the
 * answer is the run's (restore.cmd → restore.report, or its refusal).
 */
function restoreExchange(cmd: Extract<Scenario['script'][number], { op: 'restore' }>, k: number, events: readonly SimEvent[], tape?: TapeFacts): ExchangeView {
  const sent = nth(events, 'restore.cmd', k, '102');
  const answer = sent && events.find((e) => e.actor === '502' && e.t >= sent.t && (e.ev === 'restore.accepted' || e.ev === 'restore.refused'));
  const end = sent && events.find((e) => e.actor === '502' && e.t >= sent.t && e.ev === 'restore.report');
  const refused = answer?.ev === 'restore.refused';
  const dest = cmd.to === 'disk' ? 'the backup disk (LUN 5)' : 'the S-VOL (LUN 1)';
  let lists: ReturnType<typeof restoreLists> = [];
  let why = '';
  try { if (tape) lists = restoreLists(tape.catalog, cmd.point, cmd.to, LIST_ID); } catch (e) { why = e instanceof Error ? e.message : String(e); }
  const first = lists[0];
  const failed = end?.detail && end.detail.ok === false;
  // Why 503 failed it (a point the catalog lacks, a tape that does not match), if it did.
  const why503 = failed ? events.find((e) => e.actor === '503' && e.t >= sent!.t && e.t <= end!.t && (e.ev === 'restore.plan.error' || e.ev === 'backup.failed')) : undefined;
  return {
    title: `EXTENDED COPY (LID1), restore point ${cmd.point} to ${dest}`,
    path: '102 → 502 via 604',
    cdb: xcopyCdb(first?.list ?? new Uint8Array(0)), dataOut: first?.list ?? null,
    status: !answer ? 'not sent in this run' : refused ? 'CHECK CONDITION' : failed ? 'CHECK CONDITION (COPY ABORTED)' : 'GOOD',
    dataIn: null, dataInKind: null,
    sense: refused ? encodeSense(SENSE.COMMAND_SEQUENCE_ERROR) : null,
    notes: [
      first ? `Before it the host positions the tape at file ${first.file} (restore point ${first.point}): SPACE(6) over ${first.file - 1} filemark(s) after a REWIND.` : '',
      lists.length > 1 ? `${lists.length - 1} more list(s) follow: ${lists.slice(1).map((l) => `file ${l.file} part ${l.part + 1}/${l.parts} (${l.segments} segments)`).join(', ')}. Each 01h segment is one run of blocks the tape's catalog names.` : '',
      !tape ? 'The tape of this run is not known yet.' : why ? `No lists: ${why}` : '',
      sent ? `Sent at ${ms(sent.t)}.` : 'The script ended before this command was sent.',
      answer ? `${refused ? 'Refused' : 'Accepted'} at ${ms(answer.t)} ${details(answer)}.` : '',
      end ? `Restore ended at ${ms(end.t)}: ${details(end)}.` : '',
      why503 ? `503: ${details(why503)}.` : '',
    ].filter(Boolean),
  };
}
