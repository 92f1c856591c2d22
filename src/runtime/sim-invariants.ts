/**
 * What must hold at the end of every sim run, whatever failed during it
 * (docs/scenario.md#faults): the checks of the systematic fault test and of `npm run soak`,
 * and of a live run with faults (servers-live.ts, over its OPFS volumes).
 * Like the oracle it rebuilds every expected block from the seed (or the uploaded image)
 * and the client's own log of acknowledged writes; it reads the volumes' bytes underneath
 * any fault injection, and 507 only for the pair state it judges.
 *
 * 1. Nothing acknowledged is lost: every block's newest data (cache slot, else P-VOL) is
 *    the newest acknowledged write to it (or a later write not yet acknowledged).
 * 2. The pair state is sound: 516/517 form a state of docs/patent.md#pair-states, the
 *    counts match the bitmaps, a suspended pair says why; and the S-VOL is what the state
 *    claims: split, its blocks are the split-instant image, with every block still pending
 *    in 514 holding that image on the P-VOL side (docs/patent.md#the-point-in-time-rule);
 *    duplex, every block not pending is the P-VOL's newest data. A suspended pair claims
 *    nothing.
 * 3. Every completed backup verified against the oracle (in the modes that promise it;
 *    the run's result judged it), and the tape image reads strictly.
 */
import type { Core } from '../core/core-api.ts';
import type { ControllerPorts } from '../array/controller.ts';
import { fillBlock } from '../core/prng.ts';
import { scanAwsTape } from '../devices/awstape.ts';
import { imageGenerations } from '../oracle/oracle.ts';
import { MODES, type Scenario } from '../scenario/schema.ts';
import type { Client101, Servers } from './sim-servers.ts';
import type { BackupOutcome, TapeImage } from './sim-result.ts';

export interface InvariantInput {
  s: Scenario;
  core: Core;
  /** The controller, or the live runtime's servers' view of it over the same 507. */
  ctl: ControllerPorts;
  /**
   * The volumes' own bytes (under any fault injection): the sim's memory volumes, or the
   * live runtime's OPFS files read once the array has closed them (servers-live.ts).
   */
  pvol: { data: Uint8Array };
  svol: { data: Uint8Array };
  tape: Pick<TapeImage, 'bytes'>;
  client: Client101;
  servers: Servers;
  image?: Uint8Array;
  /** How each backup of the script ended, as the run's result judged it against the oracle. */
  backups: readonly BackupOutcome[];
}

export interface InvariantReport { ok: boolean; violations: string[] }

const SOUND = new Set(['simplex/simplex', 'duplex-pending/duplex-pending', 'duplex/duplex', 'split/split-pending', 'split/split', 'suspended/suspended']);
const MAX_REPORTED = 12;

export function checkInvariants(i: InvariantInput): InvariantReport {
  const violations: string[] = [];
  const add = (v: string) => { if (violations.length < MAX_REPORTED) violations.push(v); };
  const { blocks, blockBytes: bb } = i.s.geometry;
  const { m, cache, diff, core } = i.ctl.ctx;
  const expect = new Uint8Array(bb);
  const blockOf = (gen: number, b: number): Uint8Array => {
    if (gen === 0 && i.image) return i.image.subarray(b * bb, (b + 1) * bb);
    fillBlock(expect, i.s.seed, gen, b);
    return expect;
  };
  /** The block's newest data, as a client read returns it. */
  const current = (b: number): Uint8Array => {
    const slot = cache.slotOf(b);
    return slot >= 0 ? m.u8.subarray(m.slotPtr(slot), m.slotPtr(slot) + bb) : i.pvol.data.subarray(b * bb, (b + 1) * bb);
  };
  const svolBlock = (b: number) => i.svol.data.subarray(b * bb, (b + 1) * bb);

  // 1. Acknowledged writes: the newest acknowledged generation of each block, and the
  // writes never acknowledged (their data may or may not have landed).
  const writes = i.client.writes;
  const acked = imageGenerations(blocks, writes, Infinity);
  const unacked = new Map<number, number[]>();
  for (const w of writes) {
    if (w.ack >= 0) continue;
    for (let b = w.lba; b < w.lba + w.blocks; b++) unacked.set(b, [...(unacked.get(b) ?? []), w.id + 1]);
  }
  for (let b = 0; b < blocks; b++) {
    const cur = current(b);
    if (same(cur, blockOf(acked[b], b))) continue;
    if ((unacked.get(b) ?? []).some((g) => same(cur, blockOf(g, b)))) continue;
    add(`block ${b}: the newest acknowledged write (generation ${acked[b]}) is lost; it holds generation ${genOf(cur)}`);
  }

  // 2. The pair state.
  const st = i.ctl.status();
  if (!SOUND.has(`${st.p516}/${st.s517}`)) add(`pair state ${st.p516}/${st.s517} is not a state of the pair`);
  if (st.pending !== core.count(diff.diff, 0, blocks)) add(`514 counts ${st.pending} pending blocks, its bits ${core.count(diff.diff, 0, blocks)}`);
  if (st.post !== core.count(diff.post, 0, blocks)) add(`the post-split bitmap counts ${st.post}, its bits ${core.count(diff.post, 0, blocks)}`);
  if (st.s517 === 'split-pending' && st.pending === 0) add('517 says split-pending with nothing pending in 514');
  if (st.p516 === 'suspended' && !st.reason) add('the pair is suspended without a reason');
  const lastSplit = [...i.servers.splits].reverse().find((x) => x.ok && x.ackAt >= 0);
  if (st.p516 === 'split') {
    if (!lastSplit) add('the pair is split, but no split was acknowledged');
    else {
      const pit = imageGenerations(blocks, writes, lastSplit.ackAt);
      for (let b = 0; b < blocks; b++) {
        const pending = diff.isPending(b);
        const have = pending ? current(b) : svolBlock(b);
        if (!same(have, blockOf(pit[b], b))) {
          add(`block ${b}: ${pending ? 'pending in 514, its P-VOL side' : 'the S-VOL'} holds generation ${genOf(have)}, the split-instant image ${pit[b]}`);
        }
      }
    }
  } else if (st.p516 === 'duplex' || st.p516 === 'duplex-pending') {
    for (let b = 0; b < blocks; b++) {
      if (!diff.isPending(b) && !same(svolBlock(b), current(b))) add(`block ${b}: not pending in 514, yet the S-VOL differs from the P-VOL`);
    }
  }

  // 3. Backups and the tape: the image reads strictly, and every backup that completed
  // verified against the oracle (sim-result-tape.ts judged it), in the modes that promise it.
  try {
    for (const _ of scanAwsTape(i.tape.bytes())) { /* strict walk: throws on a malformed image */ }
  } catch (e) {
    add(`the tape image is malformed: ${e instanceof Error ? e.message : e}`);
  }
  const judged = MODES.includes(i.s.mode);
  for (const [k, b] of i.backups.entries()) {
    if (b.status === 'failed' && (!b.reason || b.failure === 'none')) add(`backup ${k + 1} failed without a reason`);
    if (judged && b.status === 'done' && b.verified !== true) add(`backup ${k + 1} completed but does not verify`);
  }
  return { ok: violations.length === 0, violations };
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** The generation stamped in a block (word 1, prng.ts fillBlock), for messages. */
function genOf(block: Uint8Array): number {
  return new DataView(block.buffer, block.byteOffset, 8).getInt32(4, true);
}
