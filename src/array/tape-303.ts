/**
 * The tape 303 as 503 reads it back (docs/patent.md#parts: 503 streams to the tape): an
 * index of its files (src/devices/tape-index.ts) and its catalog (tape-catalog.ts). A
 * catalogued backup starts a file of its own and appends the catalog after it; a restore
 * reads the catalog and the files it names. Only 503 holds one: the tape is its device.
 */
import { TapeIndex } from '../devices/tape-index.ts';
import { encodeCatalog, readCatalog, type Catalog, type CatalogEntry } from '../devices/tape-catalog.ts';
import type { Ctx } from './context.ts';

export class Tape303 {
  readonly index: TapeIndex;
  constructor(private readonly c: Ctx) { this.index = new TapeIndex(c.tape); }

  /**
   * The file a catalogued backup is about to write. A file a backup left open (cut off
   * before its tapemark: the tape ends partial) is closed first, so the new backup's blocks
   * never join it and the catalog's file numbers stay true.
   */
  beginFile(): number {
    this.index.refresh();
    if (this.index.endsPartial) {
      this.c.tape.writeTapemark();
      this.c.log('503', 'tape.close.partial', '303', { file: this.index.fileCount });
      this.index.refresh();
    }
    return this.index.fileCount + 1;
  }

  catalog(): Catalog {
    return readCatalog(this.index).catalog;
  }

  /** Appends the whole catalog with `e` added as a file of its own; returns e's point. */
  appendCatalog(e: Omit<CatalogEntry, 'point'>): number {
    const cat = this.catalog();
    const point = cat.entries.length;
    cat.entries.push({ point, ...e });
    const records = encodeCatalog(cat);
    for (const r of records) this.c.tape.writeBlock(r);
    this.c.tape.commit();
    this.c.tape.writeTapemark();
    this.c.log('503', 'catalog.write', '303', { point, file: e.file + 1, records: records.length });
    return point;
  }
}
