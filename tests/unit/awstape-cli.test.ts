// `splitstream tape <image.aws> [--json]` (src/devices/tape-cli-node.ts): lists what is on
// the tape 303, and fails with exit 1 and a clear message on a malformed image.
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsTapeWriter } from '../../src/devices/awstape.ts';
import { type TapeSummary, tapeCli } from '../../src/devices/tape-cli-node.ts';
import { emptyCatalog, encodeCatalog } from '../../src/devices/tape-catalog.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'splitstream-tapecli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await tapeCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  parts.forEach((p) => h.update(p));
  return h.digest('hex');
};

// Two terminated files (one with a segmented 70000-byte block) and an open third file.
const a = new Uint8Array(512).fill(1);
const b = new Uint8Array(512).fill(2);
const c = new Uint8Array(100).fill(3);
const big = new Uint8Array(70000).fill(4);
const d = new Uint8Array(9).fill(5);
const w = new AwsTapeWriter();
[a, b, c].forEach((x) => w.writeBlock(x));
w.writeTapemark();
w.writeBlock(big);
w.writeTapemark();
w.writeBlock(d);
const image = path.join(tmp, 'backup.aws');
fs.writeFileSync(image, w.bytes());
const imageBytes = 3 * 6 + 1124 + 6 + (12 + 70000) + 6 + (6 + 9);

describe('splitstream tape', () => {
  it('--json lists files, blocks, sizes and a SHA-256 per file', async () => {
    const r = await run([image, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as TapeSummary;
    expect(s).toEqual({
      image, imageBytes, tapemarks: 2, blocks: 5, dataBytes: 1124 + 70000 + 9,
      files: [
        { file: 1, blocks: 3, bytes: 1124, blockSizes: [[512, 2], [100, 1]], segmentedBlocks: 0,
          sha256: sha(a, b, c), terminated: true, partial: false },
        { file: 2, blocks: 1, bytes: 70000, blockSizes: [[70000, 1]], segmentedBlocks: 1,
          sha256: sha(big), terminated: true, partial: false },
        { file: 3, blocks: 1, bytes: 9, blockSizes: [[9, 1]], segmentedBlocks: 0,
          sha256: sha(d), terminated: false, partial: true },
      ],
    });
  });

  it('prints a readable listing by default', async () => {
    const r = await run([image]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`3 file(s), 5 block(s), ${1124 + 70000 + 9} data bytes, 2 tapemark(s)`);
    expect(r.out).toContain(`file 1: 3 block(s), 1124 bytes, sha256 ${sha(a, b, c)}`);
    expect(r.out).toContain('  block sizes: 2x512 100');
    expect(r.out).toContain('file 2: 1 block(s), 70000 bytes, 1 segmented');
    expect(r.out).toContain('file 3: 1 block(s), 9 bytes partial (no closing tapemark: its backup did not finish)');
  });

  it('a malformed image is exit 1 with the offset and reason', async () => {
    const bad = path.join(tmp, 'bad.aws');
    const bytes = w.bytes();
    bytes[6 + 512 + 2] ^= 1; // second header's previous length
    fs.writeFileSync(bad, bytes);
    const r = await run([bad]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/not a valid AWSTAPE image: at byte 518: previous length 513/);
    const cut = path.join(tmp, 'cut.aws');
    fs.writeFileSync(cut, w.bytes().subarray(0, 100));
    expect((await run([cut])).err).toMatch(/at byte 0: truncated data/);
  });

  it('a missing file is exit 1, bad usage is exit 2', async () => {
    const r = await run([path.join(tmp, 'nope.aws')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot read .*nope\.aws/);
    expect((await run([])).code).toBe(2);
    expect((await run([image, image])).err).toMatch(/usage: splitstream tape/);
  });

  it('names what the catalog says each file is: restore points, the current catalog, earlier ones', async () => {
    const t = new AwsTapeWriter();
    const entry = (point: number, file: number) => ({
      point, file, level: point ? 'incremental' as const : 'full' as const, base: point ? point - 1 : null, split: point + 1,
      splitAt: point * 2.5, lba: 0, blocks: 8, blockBytes: 512, records: 1, recordBlocks: 8, runs: point ? [[2, 1], [5, 1]] as [number, number][] : [[0, 8]] as [number, number][],
    });
    const put = (blocks: Uint8Array[]) => { blocks.forEach((x) => t.writeBlock(x)); t.writeTapemark(); };
    put([new Uint8Array(4096)]);
    put(encodeCatalog({ ...emptyCatalog(), entries: [entry(0, 1)] }));
    put([new Uint8Array(1024)]);
    put(encodeCatalog({ ...emptyCatalog(), entries: [entry(0, 1), entry(1, 3)] }));
    const img = path.join(tmp, 'catalogued.aws');
    fs.writeFileSync(img, t.bytes());
    const r = await run([img]);
    expect(r.out).toContain('  restore point 0: full backup of 0+8, split 1 at 0.000 ms');
    expect(r.out).toContain('  an earlier catalog (a later one supersedes it)');
    expect(r.out).toContain('  restore point 1: incremental of 0+8: 2 changed block(s) in 2 run(s), split 2 at 2.500 ms');
    expect(r.out).toContain('  the tape\'s catalog');
    expect(r.out).toContain('catalog (file 4): 2 restore point(s)');
    const j = JSON.parse((await run([img, '--json'])).out) as TapeSummary;
    expect(j.catalog?.file).toBe(4);
    expect(j.catalog?.entries[1].runs).toEqual([[2, 1], [5, 1]]);
    expect(j.files.map((f) => f.role?.kind)).toEqual(['full', 'catalog', 'incremental', 'catalog']);
  });
});
