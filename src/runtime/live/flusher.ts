/**
 * Flushes off the ack path (docs/live.md#durability). A write to an OPFS file through a
 * sync access handle is in the operating system's page cache when write() returns: it
 * survives a reload, a crashed renderer and a killed browser, and only an OS crash or a power
 * loss can take it. flush() (fsync) protects against those too, and costs 0.2 ms at the
 * median and tens of ms at the tail: on the ack path it set every p99. So the live runtime
 * acknowledges once written ('written' durability) and flushes in rounds, off that path:
 *   - every FLUSH_INTERVAL_MS, so that an OS crash loses at most what came after the last
 *     round that completed;
 *   - on a ticket: the journal before it reuses a segment (the P-VOL blocks it drops must be
 *     on the disk).
 * A round flushes every file of the run. Its ticket is the count of tickets asked for when
 * it began: a ticket is done once a round that began after it was asked for has completed.
 * A tapemark asks for a tape ticket instead (the backup's end is answered once its tape is
 * flushed): the tape's file alone is flushed for it, at once. A round of every file waited
 * for the pages the client's writes left in the journal and on the volumes (some 90 MB/s at
 * the preset's rate) before the backup could be answered.
 *
 * Where the browser shares handles ('readwrite-unsafe') the rounds run in a worker of their
 * own (web/live/flusher-worker.ts), so a slow fsync never holds a processor up. Without, only
 * the worker that opened a file may flush it: that worker runs the rounds itself (Inline).
 */
import type { FlushTickets } from './cache-journal.ts';
import { LB, type LiveBlock } from './processor-host.ts';
import type { WriteBehindQueue } from './write-behind.ts';

/** The longest an OS crash may take back: writes acknowledged before the last round began survive it. */
export const FLUSH_INTERVAL_MS = 100;

export interface Flushable { flush(): void }

/** A tapemark's ticket: done once the tape's file was flushed after it was asked for. */
export interface TapeTickets {
  requestTape(): number;
}

/** Hands out the next ticket of a kind (LB.FLUSH_ASK or LB.TAPE_ASK). */
const take = (live: LiveBlock, word: number): number => Atomics.add(live.i32, (live.at >> 2) + word, 1) + 1;

/** Is tape ticket `t` done (LB.TAPE_DONE)? Ticket 0 always is. */
export const tapeDone = (live: LiveBlock, t: number): boolean => ((live.word(LB.TAPE_DONE) - t) | 0) >= 0;

/** Tickets over the live block's words, answered by a flusher in another worker. */
export class SharedTickets implements FlushTickets, TapeTickets {
  constructor(private readonly live: LiveBlock) {}

  request(): number {
    return this.ask(LB.FLUSH_ASK);
  }

  requestTape(): number {
    return this.ask(LB.TAPE_ASK);
  }

  private ask(word: number): number {
    const t = take(this.live, word);
    const i = (this.live.at >> 2) + LB.FLUSH_BELL;
    Atomics.add(this.live.i32, i, 1);
    Atomics.notify(this.live.i32, i);
    return t;
  }

  done(ticket: number): boolean {
    return ((this.live.word(LB.FLUSH_DONE) - ticket) | 0) >= 0;
  }

  /** Blocks until the ticket is done (a worker only; the flusher answers within one round). */
  wait(ticket: number): void {
    const i = (this.live.at >> 2) + LB.FLUSH_DONE;
    for (;;) {
      const d = Atomics.load(this.live.i32, i);
      if (((d - ticket) | 0) >= 0 || this.live.stopped()) return;
      Atomics.wait(this.live.i32, i, d, 50);
    }
  }
}

/**
 * One round over `files`, covering every ticket asked for before it began. With 508's writes
 * behind (write-behind.ts), the round first waits for those queued before it began.
 */
export function flushRound(files: readonly Flushable[], live: LiveBlock, behind?: WriteBehindQueue | null): void {
  const covers = live.word(LB.FLUSH_ASK), tapes = live.word(LB.TAPE_ASK);
  behind?.waitWritten(() => live.stopped());
  for (const f of files) f.flush();
  done(live, LB.FLUSH_DONE, covers);
  // The tape is one of the files: the round covers the tape tickets asked before it too.
  done(live, LB.TAPE_DONE, tapes);
  // Whoever holds an answer for a ticket (a backup's end) looks again.
  live.bell.ring();
}

/** The tape's file alone, for the tape tickets asked for before it began. */
export function flushTape(tape: Flushable, live: LiveBlock): void {
  const covers = live.word(LB.TAPE_ASK);
  tape.flush();
  done(live, LB.TAPE_DONE, covers);
  live.bell.ring();
}

const tapeAsked = (live: LiveBlock) => ((live.word(LB.TAPE_ASK) - live.word(LB.TAPE_DONE)) | 0) > 0;

/**
 * Marks tickets up to `covers` done. One thread runs every round and tape flush of a run
 * (the flusher's worker, or the array's with exclusive handles), each reading its asks
 * before it flushes, so `covers` never goes back.
 */
function done(live: LiveBlock, word: number, covers: number): void {
  const i = (live.at >> 2) + word;
  Atomics.store(live.i32, i, covers);
  Atomics.notify(live.i32, i);
}

/**
 * The flusher worker's loop: a round every FLUSH_INTERVAL_MS, and at once for a ticket.
 * Sleeps in Atomics.wait on its bell between rounds; `yieldNow` lets its worker's event
 * loop run (its control plane) once per wake.
 */
export async function runFlusher(files: readonly Flushable[], tape: Flushable, live: LiveBlock, yieldNow: () => Promise<void>,
  behind: WriteBehindQueue | null): Promise<{ rounds: number; tapeFlushes: number }> {
  let rounds = 0, tapeFlushes = 0, last = performance.now();
  const bell = (live.at >> 2) + LB.FLUSH_BELL;
  await yieldNow(); // the caller's answer (init) goes out first
  while (!live.stopped()) {
    const seen = Atomics.load(live.i32, bell);
    if (tapeAsked(live)) {
      flushTape(tape, live);
      tapeFlushes++;
      continue;
    }
    const asked = ((live.word(LB.FLUSH_ASK) - live.word(LB.FLUSH_DONE)) | 0) > 0;
    if (asked || performance.now() - last >= FLUSH_INTERVAL_MS) {
      flushRound(files, live, behind);
      rounds++;
      last = performance.now();
      continue;
    }
    Atomics.wait(live.i32, bell, seen, Math.max(1, FLUSH_INTERVAL_MS - (performance.now() - last)));
    await yieldNow();
  }
  return { rounds, tapeFlushes };
}

/**
 * Where no other worker may open the files: the worker that holds them runs the rounds
 * itself, a ticket at once (on its own path: a slow fsync then holds it up, which shared
 * handles avoid) and the periodic round from its loop (tick).
 */
export class InlineFlusher implements FlushTickets, TapeTickets {
  private last = performance.now();
  constructor(private readonly files: () => readonly Flushable[], private readonly tape: () => Flushable, private readonly live: LiveBlock) {}

  requestTape(): number {
    const t = take(this.live, LB.TAPE_ASK);
    flushTape(this.tape(), this.live);
    return t;
  }

  request(): number {
    const t = take(this.live, LB.FLUSH_ASK);
    this.round();
    return t;
  }

  wait(): void {}

  /** The periodic round, from the host's loop. */
  tick(): void {
    if (performance.now() - this.last >= FLUSH_INTERVAL_MS) this.round();
  }

  private round(): void {
    flushRound(this.files(), this.live);
    this.last = performance.now();
  }
}
