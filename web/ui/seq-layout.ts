/**
 * Where the sequence diagram puts its lanes and labels (web/components/sequence-diagram.tsx):
 * lanes share the width they are given, within bounds; a label goes beside its dot or above
 * its arrow, flips to the other side when it would run past the edge, and is shortened with
 * "…" only when neither side has room. Pure, with the text measure passed in, so the unit
 * tests check that no label leaves the drawing.
 */

/** The labels' font (the CSS of .seq-label says the same). */
export const LABEL_FONT = '11px system-ui, sans-serif';
export const MIN_LANE = 34;
export const MAX_LANE = 66;

/** Lane width that fits `avail` pixels, between MIN_LANE and MAX_LANE. */
export function laneWidth(avail: number, timeCol: number, lanes: number): number {
  return Math.max(MIN_LANE, Math.min(MAX_LANE, Math.floor((avail - timeCol) / lanes)));
}

export interface LabelBox { x1: number; x2: number; arrow: boolean; left: number; right: number }
export interface PlacedLabel { text: string; x: number; anchor: 'start' | 'end'; width: number }

const GAP = 7;

/** The longest prefix of `text` (with "…") whose width fits `room`. */
function shorten(text: string, room: number, measure: (s: string) => number): string {
  if (measure(text) <= room) return text;
  let lo = 0, hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(text.slice(0, mid) + '…') <= room) lo = mid; else hi = mid - 1;
  }
  return lo > 0 ? text.slice(0, lo).trimEnd() + '…' : '';
}

export function fitLabel(text: string, measure: (s: string) => number, b: LabelBox): PlacedLabel {
  const w = measure(text);
  const lo = Math.min(b.x1, b.x2), hi = Math.max(b.x1, b.x2);
  // Arrows: above the arrow from its left end; dots: right of the dot. Else the other side.
  const rightStart = b.arrow ? lo + GAP - 1 : b.x1 + GAP;
  const leftEnd = b.arrow ? hi - GAP + 1 : b.x1 - GAP;
  const roomRight = b.right - rightStart, roomLeft = leftEnd - b.left;
  if (w <= roomRight) return { text, x: rightStart, anchor: 'start', width: w };
  // The side with more room: the whole label when it fits there, else its longest prefix.
  const useRight = roomRight >= roomLeft;
  const short = shorten(text, Math.max(0, useRight ? roomRight : roomLeft), measure);
  return { text: short, x: useRight ? rightStart : leftEnd, anchor: useRight ? 'start' : 'end', width: measure(short) };
}
