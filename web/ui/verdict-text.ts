/**
 * The verdict in words (docs/patent.md#the-point-in-time-rule): for a tape that is not the
 * split instant, which block, what the tape holds there, and what the backup software was
 * told. Pure; the mini verdict line and the Verdict tab both say it.
 */
import type { ResultView } from './view-model.ts';

/** The failure in words: which block, what the tape holds there, and what the software was told. */
export function failureText(r: ResultView, reportedOk: boolean | null | undefined): string {
  const b = r.firstBadBlock;
  const g = r.badGenerations;
  const what = b === null ? 'The tape differs from the split-instant image.'
    : g && g.tape < g.expected
      ? `Block ${b} on tape holds generation ${g.tape}: older data than the client's last write before the split (generation ${g.expected}).`
      : `Block ${b} on tape is not the block of the split instant${g ? ` (generation ${g.tape} instead of ${g.expected})` : ''}.`;
  return reportedOk ? `${what} The backup software was told the backup succeeded.` : what;
}
