/**
 * Node only: `splitstream tape <image.aws> [--json]` lists what a backup put on the tape 303
 * (docs/architecture.md#the-tape): per tape file its blocks, sizes and a SHA-256 of its
 * bytes, so a user can compare with `hetget` output or with the S-VOL's split-instant
 * image. A malformed image is exit 1 with the reader's offset and reason (awstape.ts).
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { AwsTapeError, bytesSource, scanAwsTape } from './awstape.ts';
import { looksLikeCatalog, readCatalog, runBlocks, type Catalog } from './tape-catalog.ts';
import { TapeIndex } from './tape-index.ts';

export interface TapeFileSummary {
  /** 1-based, as `hetget` numbers files. */
  file: number;
  blocks: number;
  bytes: number;
  /** Block sizes in order, run-length coded: [size, count] pairs. */
  blockSizes: [number, number][];
  /** Blocks made of more than one segment (over 65535 bytes). */
  segmentedBlocks: number;
  /** SHA-256 (hex) of the file's blocks concatenated: what `hetget` extracts. */
  sha256: string;
  /** False for the last file when no tapemark follows it. */
  terminated: boolean;
  /**
   * The file has no closing tapemark: a backup that failed or was cut off left it (503
   * writes the tapemark only once the whole range is on the tape). Never a complete image.
   */
  partial: boolean;
  /** What the tape's catalog says the file is (absent: a plain backup, or not catalogued). */
  role?: { kind: 'catalog'; current: boolean } | { kind: 'full' | 'incremental'; point: number; split: number; splitAt: number; lba: number; blocks: number; dataBlocks: number; runs: number };
}

export interface TapeSummary {
  image: string;
  imageBytes: number;
  tapemarks: number;
  blocks: number;
  dataBytes: number;
  files: TapeFileSummary[];
  /** The tape's catalog (tape-catalog.ts) and the file holding it, when it has one. */
  catalog?: { file: number } & Catalog;
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const USAGE = 'usage: splitstream tape <image.aws> [--json]';

/** Summarises an AWSTAPE image held in memory; throws AwsTapeError if it is malformed. */
export function summariseTape(image: string, bytes: Uint8Array): TapeSummary {
  const files: TapeFileSummary[] = [];
  let cur = newFile(1);
  let hash = createHash('sha256');
  let tapemarks = 0;
  const close = (terminated: boolean) => {
    files.push({ ...cur, sha256: hash.digest('hex'), terminated, partial: !terminated });
    cur = newFile(files.length + 1);
    hash = createHash('sha256');
  };
  for (const e of scanAwsTape(bytes)) {
    if (e.kind === 'tapemark') {
      tapemarks++;
      close(true);
      continue;
    }
    cur.blocks++;
    cur.bytes += e.length;
    if (e.segments > 1) cur.segmentedBlocks++;
    const last = cur.blockSizes[cur.blockSizes.length - 1];
    if (last && last[0] === e.length) last[1]++;
    else cur.blockSizes.push([e.length, 1]);
    hash.update(e.data);
  }
  if (cur.blocks > 0) close(false);
  const index = new TapeIndex(bytesSource(bytes)).refresh();
  const { catalog, file } = readCatalog(index);
  // Each catalogued backup appended the whole catalog: the earlier ones are superseded.
  for (const [k, f] of index.files.entries()) {
    if (f.blocks.length > 0 && looksLikeCatalog(index.read(k + 1, 0))) files[k].role = { kind: 'catalog', current: k + 1 === file };
  }
  if (file > 0) {
    for (const e of catalog.entries) {
      const f = files[e.file - 1];
      if (f) f.role = { kind: e.level, point: e.point, split: e.split, splitAt: e.splitAt, lba: e.lba, blocks: e.blocks, dataBlocks: runBlocks(e.runs), runs: e.runs.length };
    }
  }
  return {
    image,
    imageBytes: bytes.byteLength,
    tapemarks,
    blocks: files.reduce((n, f) => n + f.blocks, 0),
    dataBytes: files.reduce((n, f) => n + f.bytes, 0),
    files,
    ...(file > 0 ? { catalog: { file, ...catalog } } : {}),
  };
}

/** One line saying what the catalog says a file is. */
export function describeRole(r: NonNullable<TapeFileSummary['role']>): string {
  if (r.kind === 'catalog') return r.current ? 'the tape\'s catalog' : 'an earlier catalog (a later one supersedes it)';
  const what = r.kind === 'full' ? `full backup of ${r.lba}+${r.blocks}`
    : `incremental of ${r.lba}+${r.blocks}: ${r.dataBlocks} changed block(s) in ${r.runs} run(s)`;
  return `restore point ${r.point}: ${what}, split ${r.split} at ${r.splitAt.toFixed(3)} ms`;
}

/** Entry point; `args` are the words after `tape`. Returns the exit code. */
export async function tapeCli(args: string[], io: CliIo = defaultIo): Promise<number> {
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  if (rest.length !== 1 || rest[0].startsWith('-')) {
    io.err(USAGE);
    return 2;
  }
  const path = rest[0];
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    io.err(`splitstream tape: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  let summary: TapeSummary;
  try {
    summary = summariseTape(path, bytes);
  } catch (e) {
    if (e instanceof AwsTapeError) {
      io.err(`splitstream tape: ${path} is not a valid AWSTAPE image: at byte ${e.offset}: ${e.reason}`);
      return 1;
    }
    throw e;
  }
  if (json) io.out(JSON.stringify(summary, null, 2));
  else for (const line of formatSummary(summary)) io.out(line);
  return 0;
}

function formatSummary(s: TapeSummary): string[] {
  const lines = [
    `${s.image}: ${s.files.length} file(s), ${s.blocks} block(s), ${s.dataBytes} data bytes, ` +
      `${s.tapemarks} tapemark(s), ${s.imageBytes} image bytes`,
  ];
  for (const f of s.files) {
    const sizes = f.blockSizes.map(([size, n]) => (n > 1 ? `${n}x${size}` : `${size}`)).join(' ');
    lines.push(`file ${f.file}: ${f.blocks} block(s), ${f.bytes} bytes` +
      `${f.partial ? ' partial (no closing tapemark: its backup did not finish)' : ''}${f.segmentedBlocks ? `, ${f.segmentedBlocks} segmented` : ''}` +
      `, sha256 ${f.sha256}`);
    if (f.role) lines.push(`  ${describeRole(f.role)}`);
    if (sizes) lines.push(`  block sizes: ${sizes}`);
  }
  if (s.catalog) lines.push(`catalog (file ${s.catalog.file}): ${s.catalog.entries.length} restore point(s); --json lists each file's block runs`);
  return lines;
}

function newFile(file: number): Omit<TapeFileSummary, 'sha256' | 'terminated' | 'partial'> {
  return { file, blocks: 0, bytes: 0, blockSizes: [], segmentedBlocks: 0 };
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};
