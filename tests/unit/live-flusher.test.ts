/**
 * The flush tickets (src/runtime/live/flusher.ts): a round of every file covers the tickets
 * asked for before it began, both kinds; a tapemark's ticket is answered by flushing the
 * tape's file alone, and is never done before the tape was flushed after it was asked for.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InlineFlusher, SharedTickets, flushRound, flushTape, tapeDone } from '../../src/runtime/live/flusher.ts';
import { LB, LiveBlock } from '../../src/runtime/live/processor-host.ts';

/** A file that counts its flushes. */
function file() {
  return { flushes: 0, flush() { this.flushes++; } };
}

function block(): LiveBlock {
  return new LiveBlock(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }), 1024);
}

describe('flush tickets', () => {
  it('a tape ticket is done only once the tape was flushed after it, and flushes nothing else', () => {
    const live = block();
    const tickets = new SharedTickets(live);
    const journal = file(), tape = file();
    const t1 = tickets.requestTape();
    expect(tapeDone(live, t1)).toBe(false);
    flushTape(tape, live);
    expect([tapeDone(live, t1), tape.flushes, journal.flushes]).toEqual([true, 1, 0]);
    const t2 = tickets.requestTape();
    expect(t2).toBeGreaterThan(t1);
    expect(tapeDone(live, t2)).toBe(false);
    // A round of every file (the tape among them) covers it as well.
    flushRound([journal, tape], live);
    expect([tapeDone(live, t2), journal.flushes, tape.flushes]).toEqual([true, 1, 2]);
    // Ticket 0 (no tapemark yet) is always done.
    expect(tapeDone(block(), 0)).toBe(true);
  });

  it('over any order of asks and flushes, a ticket is done exactly when a flush of the tape began after it was asked', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom('ask', 'tape', 'round', 'asked-during-tape'), { maxLength: 40 }), (ops) => {
      const live = block();
      const tickets = new SharedTickets(live);
      const tape = file();
      /** Each ticket and the flush count of the tape when it was asked. */
      const asked: { t: number; flushesThen: number }[] = [];
      for (const op of ops) {
        if (op === 'ask') asked.push({ t: tickets.requestTape(), flushesThen: tape.flushes });
        else if (op === 'tape') flushTape(tape, live);
        else if (op === 'round') flushRound([file(), tape], live);
        else {
          // A ticket asked while the tape's flush is under way is not covered by it.
          const racing = { flush: () => { tape.flushes++; asked.push({ t: tickets.requestTape(), flushesThen: tape.flushes }); } };
          flushTape(racing, live);
        }
        for (const a of asked) {
          // Done ⇔ some flush of the tape began after the ask (the flush count rose past its value then).
          expect(tapeDone(live, a.t)).toBe(tape.flushes > a.flushesThen);
        }
      }
    }));
  });

  it('inline (exclusive handles): a tape ticket flushes the tape at once, not the other files', () => {
    const live = block();
    const journal = file(), tape = file();
    const inline = new InlineFlusher(() => [journal, tape], () => tape, live);
    const t = inline.requestTape();
    expect([tapeDone(live, t), tape.flushes, journal.flushes]).toEqual([true, 1, 0]);
    expect(live.word(LB.FLUSH_DONE)).toBe(0);
  });
});
