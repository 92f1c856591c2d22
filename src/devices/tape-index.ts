/**
 * An index of the tape 303's files and blocks, for reading it back: a restore reads the
 * blocks of the tape files its catalog names, and a catalogued backup reads the catalog the
 * tape holds before it appends the new one (tape-catalog.ts). Built by walking the AWSTAPE
 * headers only (awstape.ts walkAwsTape: one 6-byte read per block), and extended from
 * where it stopped when the tape has grown, so appending backups costs no re-walk.
 *
 * A tape may end partial (a backup that never wrote its closing tapemark): its last file
 * is then `terminated: false`, and its blocks are still there to be read.
 */
import { AwsTapeError, walkAwsTape, type TapeSource, type WalkState } from './awstape.ts';

export interface IndexedFile {
  /** Each block's data segments as [offset, length] (one segment up to 65535 bytes). */
  blocks: { length: number; parts: [number, number][] }[];
  /** Whether a tapemark ends it. */
  terminated: boolean;
}

export class TapeIndex {
  /** Files in tape order (file k is number k + 1 as `hetget` and the catalog count them). */
  readonly files: IndexedFile[] = [];
  private readonly st: WalkState = { pos: 0, prev: 0 };
  /** The source's discards when last walked. */
  private discards = 0;

  constructor(private readonly src: TapeSource) {}

  /** Walks what was written since the last call; throws AwsTapeError on a malformed image. */
  refresh(): this {
    // The tape was repositioned back over a partial file (AwsTapeWriter.discardPartial):
    // what the index holds past that point is gone, so it is walked again from the start.
    if ((this.src.discards ?? 0) !== this.discards || this.src.bytesWritten < this.st.pos) {
      this.discards = this.src.discards ?? 0;
      this.files.length = 0; this.st.pos = 0; this.st.prev = 0;
    }
    if (this.st.pos >= this.src.bytesWritten) return this;
    let open = this.files[this.files.length - 1];
    if (!open || open.terminated) { open = { blocks: [], terminated: false }; this.files.push(open); }
    const good = { ...this.st };
    try {
      for (const e of walkAwsTape(this.src, this.st)) {
        if (e.kind === 'tapemark') {
          open.terminated = true;
          open = { blocks: [], terminated: false };
          this.files.push(open);
        } else {
          open.blocks.push({ length: e.length, parts: e.parts });
        }
        good.pos = this.st.pos; good.prev = this.st.prev;
      }
    } catch (e) {
      // Leave the index where the image was last whole, so a later refresh can go on.
      this.st.pos = good.pos; this.st.prev = good.prev;
      throw e;
    } finally {
      if (this.files.length > 0 && this.files[this.files.length - 1].blocks.length === 0
        && !this.files[this.files.length - 1].terminated) this.files.pop();
    }
    return this;
  }

  /** Files so far: a trailing file with no block and no tapemark does not count. */
  get fileCount(): number { return this.files.length; }

  /** Whether the tape ends inside a file (blocks after the last tapemark). */
  get endsPartial(): boolean {
    const last = this.files[this.files.length - 1];
    return !!last && !last.terminated;
  }

  /** Block `block` of file `file` (1-based file number), into `into` if given. */
  read(file: number, block: number, into?: Uint8Array): Uint8Array {
    const f = this.files[file - 1];
    const b = f?.blocks[block];
    if (!b) throw new AwsTapeError(this.st.pos, `no block ${block} in tape file ${file}`);
    const out = into ? into.subarray(0, b.length) : new Uint8Array(b.length);
    if (into && into.byteLength < b.length) throw new RangeError(`tape block of ${b.length} bytes does not fit ${into.byteLength}`);
    let o = 0;
    for (const [at, n] of b.parts) { this.src.readAt(at, out.subarray(o, o + n)); o += n; }
    return out;
  }

  /** Every block of file `file`. */
  readFile(file: number): Uint8Array[] {
    const f = this.files[file - 1];
    return f ? f.blocks.map((_, k) => this.read(file, k)) : [];
  }
}
