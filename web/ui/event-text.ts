/**
 * Each event of the log in plain words (the timeline's labels), with the machine name and
 * its details kept for the tooltip: "copy old data first? blocks 4033–4038" rather than
 * `cow.req lba=4033 n=6`. The words follow docs/patent.md#the-flows.
 */
import type { SimEvent } from '../../src/array/events.ts';

type D = Record<string, number | string | boolean>;

const num = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en') : String(v ?? 'unknown'));

/** "blocks 4033–4038" (or "block 7") from an event's lba and n. */
export function blockRange(d: D | undefined): string {
  const lba = Number(d?.lba), n = Number(d?.n);
  if (!Number.isFinite(lba)) return '';
  if (!Number.isFinite(n) || n <= 1) return `block ${lba}`;
  return `blocks ${lba}–${lba + n - 1}`;
}

const FAULT_WORDS: Record<string, string> = {
  'tape-write': 'tape write error', 'media-read': 'media error', 'svol-write': 'S-VOL write error',
  quota: 'quota exhausted', worker: 'processor stops',
};

const TEXT: Record<string, (d: D) => string> = {
  'split.cmd': (d) => (d.sync ? 'split (and wait for the copy)' : 'split the pair'),
  'split': (d) => `split: ${num(d.pendingAtSplit)} updates still pending`,
  'split.ack': (d) => (d.refused ? `split refused: ${d.refused}` : `split answered (S-VOL ${d.s517 ?? 'unknown'})`),
  'split.hold': (d) => `split held: copy ${num(d.pending)} blocks first`,
  'split.done': (d) => (d.refused ? `split refused: ${d.refused}` : d.p516 ? 'split done' : 'split done: you may back up'),
  'split.req': () => 'split now (one combined command)',
  'split.complete': () => 'S-VOL up to date: 517 = split',
  'cow.req': (d) => `write to ${blockRange(d)}: copy old data first?`,
  'cow.done': (d) => (Number(d.copied) > 0 ? `copied ${num(d.copied)} old block${d.copied === 1 ? '' : 's'} first; write may go` : 'nothing pending; write may go'),
  'backup.cmd': (d) => (d.combined ? 'EXTENDED COPY with the split in it' : 'EXTENDED COPY: back up'),
  'backup.parse': (d) => `parse backup: ${num(d.units)} tape records`,
  'backup.handoff': () => 'hand the backup over',
  'backup.accepted': () => 'backup accepted',
  'backup.refused': (d) => `backup refused: ${d.reason ?? ''}`,
  'backup.start': (d) => `start backup (${num(d.pending)} pending)`,
  'backup.hold': (d) => `hold backup: ${num(d.pending)} blocks pending`,
  'backup.release': () => 'differential empty: release backup',
  'priority.req': (d) => `copy ${num(d.pending)} pending blocks first (${blockRange(d)})`,
  'priority.done': (d) => `priority copy done (${blockRange(d)})`,
  'stage.req': (d) => `read S-VOL ${blockRange(d)} for tape`,
  'stage.done': (d) => (Number(d.stale) > 0 ? `read ${blockRange(d)}: ${num(d.stale)} STALE` : `read ${blockRange(d)} into cache`),
  'merge.req': (d) => `merge ${blockRange(d)} from P-VOL + S-VOL`,
  'merge.done': (d) => `merged: ${num(d.fromPvol)} from P-VOL, ${num(d.fromSvol)} from S-VOL`,
  'tape.write': (d) => `tape record: ${blockRange(d)}`,
  'dest.write': (d) => `write backup to disk ${blockRange(d)}`,
  'dest.written': (d) => `backup written to disk ${blockRange(d)}`,
  'backup.done': (d) => `backup done: ${num(d.blocks)} blocks`,
  // The reason without its parenthesis (the suspension's cause is on pair.suspended).
  'backup.failed': (d) => `backup failed: ${String(d.reason ?? '').replace(/ \(.*\)$/, '')}`,
  'backup.io.error': (d) => `I/O error at block ${num(d.lba)}`,
  'backup.report': (d) => (d.ok ? 'report to backup server: success' : 'report to backup server: failed'),
  'state.poll': () => 'ask the S-VOL state (517)',
  'state': (d) => `517 = ${d.s517 ?? 'unknown'}`,
  'rcr.poll': () => 'RECEIVE COPY RESULTS: how far?',
  'rcr.status': (d) => `copy ${d.status ?? 'unknown'}, ${num(d.blocks)} blocks`,
  'io.pause': () => 'pause your writes',
  'io.paused': () => 'writes paused',
  'io.resume': () => 'resume your writes',
  'create.cmd': () => 'create the pair',
  'create.ack': (d) => (d.refused ? `create refused: ${d.refused}` : `pair created (${d.p516 ?? 'unknown'})`),
  'resync.cmd': () => 'resync the pair',
  'resync.ack': (d) => (d.refused ? `resync refused: ${d.refused}` : `resync answered (${d.p516 ?? 'unknown'})`),
  'delete.cmd': () => 'delete the pair',
  'delete.ack': (d) => (d.refused ? `delete refused: ${d.refused}` : 'pair deleted'),
  'pair.duplex': () => 'formation copy done: duplex',
  'pair.suspended': (d) => (d.reason ? `PSUE: ${d.reason}` : 'pair suspended (device error)'),
  // Faults (docs/scenario.md#faults) and what the array does about them.
  'fault.armed': (d) => `fault armed: ${FAULT_WORDS[String(d.kind)] ?? d.kind}`,
  'fault.hit': (d) => `fault strikes: ${FAULT_WORDS[String(d.kind)] ?? d.kind}`,
  'tape.error': (d) => `tape write failed (unit at block ${num(d.lba)})`,
  'tape.partial.overwritten': (d) => `partial file (${num(d.blocks)} blocks) written over`,
  'request.dropped': () => 'request of an ended backup dropped',
  'svol.read.error': () => 'S-VOL unreadable: copy run by run',
  'io.error': () => 'I/O error (no pair to suspend)',
  'processor.failed': (d) => `processor stopped for ${num(d.downMs)} ms`,
  'processor.restarted': () => 'processor restarted',
  'backup.carried': (d) => `backup #${num(d.id)} carried on (its end reported by this worker)`,
  'record.flushed': (d) => `state record #${num(d.seq)} on disk`,
  'catalog.write': (d) => `catalog: restore point ${num(d.point)} on tape`,
  'tape.close.partial': (d) => `tape file ${num(d.file)} closed short`,
  'tape.read': (d) => `read tape file ${num(d.file)}: ${blockRange(d)}`,
  'tape.read.error': (d) => `tape read error: file ${num(d.file)}`,
  'restore.cmd': (d) => `restore point ${num(d.point)} to ${d.to === 'svol' ? 'the S-VOL' : 'disk'}`,
  'restore.sent': (d) => `restore point ${num(d.point)} sent`,
  'restore.received': (d) => `restore point ${num(d.point)} received`,
  'restore.parse': (d) => `parse restore to ${d.to === 'svol' ? 'the S-VOL' : 'disk'}`,
  'restore.accepted': () => 'restore accepted',
  'restore.refused': (d) => `restore refused: ${d.reason ?? ''}`,
  'restore.hold': (d) => `hold restore: ${num(d.pending)} blocks pending`,
  'restore.plan.error': () => 'restore cannot be planned',
  'restore.start': (d) => `start restore: ${num(d.records)} tape records`,
  'restore.done': (d) => `restore done: ${num(d.blocks)} blocks`,
  'restore.report': (d) => (d.ok ? 'report: restore succeeded' : 'report: restore failed'),
  'xcopy.sent': (d) => `EXTENDED COPY bytes sent (${num(d.bytes)} B)`,
  'xcopy.received': (d) => `EXTENDED COPY received (${num(d.segments)} segments)`,
};

/** The machine form: `cow.req lba=4033 n=6`. */
export function rawText(e: SimEvent): string {
  const d = e.detail ? Object.entries(e.detail).map(([k, v]) => `${k}=${v}`).join(' ') : '';
  return `${e.ev} ${d}`.trim();
}

/** The timeline's label for an event: plain words, or the machine form for an unknown name. */
export function eventText(e: SimEvent): string {
  const f = TEXT[e.ev];
  return f ? f(e.detail ?? {}) : rawText(e);
}
