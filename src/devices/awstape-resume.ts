/**
 * Where an AWSTAPE image already on a medium ends, so that a new writer carries it on
 * (AwsTapeWriter.resume): a restarted processor 503 in the live runtime opens its tape file
 * as it is and goes on writing after its last whole block (docs/live.md "A processor's
 * worker terminated"). The walk follows the headers from the start (awstape.ts has the
 * layout) while each is well formed and names the length of the one before it; it stops at
 * the first that is not, which past the end is the file's end or space laid out as zeros
 * (live-ctx.ts opfsTape). A block whose segments stop short is not part of the image.
 */
import { AwsTapeError, walkAwsTape } from './awstape.ts';

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

/** The strict walk of awstape.ts, up to its first defect: what lies past it is not the image. */
export function scanTapeEnd(read: (at: number, into: Uint8Array) => void, size: number): TapeEnd {
  const end: TapeEnd = { bytes: 0, blocks: 0, data: 0, tapemarks: 0, prevLength: 0, mark: { bytes: 0, blocks: 0, data: 0 } };
  const st = { pos: 0, prev: 0 };
  try {
    for (const e of walkAwsTape({ bytesWritten: size, readAt: read }, st)) {
      if (e.kind === 'tapemark') {
        end.tapemarks++;
        end.mark = { bytes: st.pos, blocks: end.blocks, data: end.data };
      } else {
        end.blocks++;
        end.data += e.length;
      }
      // A whole entry ends where the walk now stands (a segmented block only once complete).
      end.bytes = st.pos;
      end.prevLength = st.prev;
    }
  } catch (e) {
    if (!(e instanceof AwsTapeError)) throw e;
  }
  return end;
}
