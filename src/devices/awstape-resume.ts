/**
 * Where an AWSTAPE image already on a medium ends, so that a new writer carries it on
 * (AwsTapeWriter.resume): a restarted processor 503 in the live runtime opens its tape file
 * as it is and goes on writing after its last whole block (docs/live.md "A processor's
 * worker terminated"). The walk follows the headers from the start (awstape.ts has the
 * layout) while each is well formed and names the length of the one before it; it stops at
 * the first that is not, which past the end is the file's end or space laid out as zeros
 * (live-ctx.ts opfsTape). A block whose segments stop short is not part of the image.
 */
import { AWS_HEADER_BYTES, FLAG1_ENDREC, FLAG1_NEWREC, FLAG1_TAPEMARK } from './awstape.ts';

/** The image's end as a writer counts it (AwsTapeWriter's counters). */
export interface TapeEnd {
  bytes: number;
  blocks: number;
  data: number;
  tapemarks: number;
  /** The current length of the last header (the next one's previous length). */
  prevLength: number;
  /** Where the last tapemark left the image. */
  mark: { bytes: number; blocks: number; data: number };
}

export function scanTapeEnd(read: (at: number, into: Uint8Array) => void, size: number): TapeEnd {
  const h = new Uint8Array(AWS_HEADER_BYTES);
  const end: TapeEnd = { bytes: 0, blocks: 0, data: 0, tapemarks: 0, prevLength: 0, mark: { bytes: 0, blocks: 0, data: 0 } };
  let at = 0, prev = 0, inRecord = false, recordBytes = 0;
  while (at + AWS_HEADER_BYTES <= size) {
    read(at, h);
    const len = h[0] | (h[1] << 8), prevLen = h[2] | (h[3] << 8), f = h[4];
    if (prevLen !== prev || h[5] !== 0 || at + AWS_HEADER_BYTES + len > size) break;
    if (f === FLAG1_TAPEMARK && len === 0 && !inRecord) {
      at += AWS_HEADER_BYTES;
      prev = 0;
      end.tapemarks++;
      end.mark = { bytes: at, blocks: end.blocks, data: end.data };
      Object.assign(end, { bytes: at, prevLength: 0 });
      continue;
    }
    const first = (f & FLAG1_NEWREC) !== 0, last = (f & FLAG1_ENDREC) !== 0;
    if (len === 0 || (f & ~(FLAG1_NEWREC | FLAG1_ENDREC)) !== 0 || first === inRecord) break;
    recordBytes = first ? len : recordBytes + len;
    at += AWS_HEADER_BYTES + len;
    prev = len;
    inRecord = !last;
    if (last) {
      end.blocks++;
      end.data += recordBytes;
      end.bytes = at;
      end.prevLength = len;
    }
  }
  return end;
}
