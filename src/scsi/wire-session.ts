/**
 * The JSON-lines wire for tools and tests (docs/scsi.md#the-wire), without any I/O: one input
 * line in, the output lines it causes out. wire.ts plumbs it to stdin/stdout.
 *
 *   {"lun":0,"cdb":"<hex>","data":"<hex>"}  → runs to completion (virtual time passes)
 *   {...,"tag":n}                           → {"tag":n,"queued":true} now, the answer later
 *   {"advance":ms}                          → answers that fell due, then {"now":t}
 *   {"step":{...}}                          → host-specific scenario step → {"step":result}
 * Bad JSON, bad hex or bad fields get {"error":"..."} and the session goes on.
 */
import { fromHex, toHex } from './bytes.ts';
import type { Clock } from './clock.ts';
import type { ScsiResult } from './lu.ts';
import { SENSE, decodeSense, encodeSense } from './sense.ts';
import type { ScsiTarget } from './target.ts';

export interface WireHost {
  readonly target: ScsiTarget;
  readonly clock: Clock;
  /** Runs one scenario step (client writes, split, …); throws Error on a bad step. */
  step?(step: unknown): unknown;
}

export type WireAnswer = Record<string, unknown>;

/** The JSON shape of a result: status, decoded sense (with its raw bytes), data-in hex. */
export function answerOf(r: ScsiResult): WireAnswer {
  const out: WireAnswer = { status: r.status };
  if (r.sense) {
    const s = decodeSense(r.sense);
    if (s) out.sense = { ...s, ...(s.additional ? { additional: toHex(s.additional) } : {}) };
    out.senseData = toHex(r.sense);
  }
  if (r.dataIn && r.dataIn.length > 0) out.data = toHex(r.dataIn);
  return out;
}

export class WireSession {
  /** Tagged answers that completed, in completion order, not yet written. */
  private outbox: WireAnswer[] = [];
  private readonly tags = new Set<number>();

  constructor(private readonly host: WireHost) {}

  /** Handles one line; returns the lines to write (JSON strings). Never throws. */
  handleLine(line: string): string[] {
    if (line.trim() === '') return [];
    let answers: WireAnswer[];
    try {
      answers = this.handle(JSON.parse(line) as unknown);
    } catch (e) {
      answers = [...this.drain(), { error: e instanceof Error ? e.message : String(e) }];
    }
    return answers.map((a) => JSON.stringify(a));
  }

  /** Number of tagged commands still running. */
  get queued(): number { return this.tags.size; }

  private drain(): WireAnswer[] {
    const o = this.outbox;
    this.outbox = [];
    return o;
  }

  private handle(msg: unknown): WireAnswer[] {
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw new Error('a line must be a JSON object');
    const m = msg as Record<string, unknown>;
    if ('advance' in m) {
      const ms = m.advance;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new Error('"advance" must be a number ≥ 0');
      this.host.clock.advance(ms);
      return [...this.drain(), { now: this.host.clock.now() }];
    }
    if ('step' in m) {
      if (!this.host.step) throw new Error('this wire has no scenario steps');
      const result = this.host.step(m.step);
      return [...this.drain(), { step: result ?? 'done', now: this.host.clock.now() }];
    }
    const lun = m.lun;
    if (typeof lun !== 'number' || !Number.isInteger(lun) || lun < 0 || lun > 0x3fff) {
      throw new Error('"lun" must be an integer 0–16383');
    }
    if (typeof m.cdb !== 'string') throw new Error('"cdb" must be a hex string');
    const cdb = fromHex(m.cdb);
    if (m.data !== undefined && typeof m.data !== 'string') throw new Error('"data" must be a hex string');
    const data = typeof m.data === 'string' ? fromHex(m.data) : undefined;

    if (m.tag !== undefined) {
      const tag = m.tag;
      if (typeof tag !== 'number' || !Number.isInteger(tag)) throw new Error('"tag" must be an integer');
      if (this.tags.has(tag)) throw new Error(`tag ${tag} is already queued`);
      this.tags.add(tag);
      const p = this.host.target.submit(lun, cdb, data);
      const out: WireAnswer[] = [{ tag, queued: true }];
      p.onDone((r) => { this.tags.delete(tag); this.outbox.push({ tag, ...answerOf(r) }); });
      return [...out, ...this.drain()];
    }
    const p = this.host.target.submit(lun, cdb, data);
    while (!p.result && this.host.clock.runNext()) { /* virtual time passes */ }
    const r = p.result ?? { status: 'CHECK CONDITION' as const, sense: encodeSense(SENSE.INTERNAL_TARGET_FAILURE) };
    return [...this.drain(), answerOf(r)];
  }
}
