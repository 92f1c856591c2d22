/**
 * Incremental backups and restore in the live runtime (docs/scenario.md "Incremental backups
 * and restore"): the catalogued backups go to the OPFS tape with its catalog, and a restore
 * reads that tape back into the split S-VOL; the backup server reads the S-VOL back through
 * a shared handle, and the oracle checks every point and the restore.
 */
import { busyScenario, expect, test } from './live-fixtures.ts';

test.describe.configure({ timeout: 120_000 });

test('a full backup, an incremental and a restore of each point to the S-VOL run live and verify', async ({ livePage: page }) => {
  const backup = { lba: 0, blocks: 0, transferBlocks: 8, check: 'unit' };
  const scenario = busyScenario({
    mode: 'E3',
    script: [
      { at: 10, op: 'split' }, { at: 10, op: 'backup', ...backup, level: 'full' }, { at: 10, op: 'resync' },
      { at: 40, op: 'split' }, { at: 40, op: 'backup', ...backup, level: 'incremental' },
      { at: 40, op: 'restore', point: 0, to: 'svol' }, { at: 40, op: 'restore', point: 1, to: 'svol' },
    ],
  });
  const r = await page.evaluate((s) => window.splitstream.run(s, { runtime: 'live' }), scenario) as unknown as {
    verified: boolean; reason?: string; points?: { verified: boolean; level: string }[];
    incrementalBlocks?: number[]; restores?: { point: number; verified: boolean; blocks: number }[];
  };
  expect(r.verified, r.reason ?? '').toBe(true);
  expect(r.points?.map((p) => [p.level, p.verified])).toEqual([['full', true], ['incremental', true]]);
  // The incremental wrote what the client changed between the two splits, not the volume.
  expect(r.incrementalBlocks?.[0]).toBeGreaterThan(0);
  expect(r.incrementalBlocks?.[0]).toBeLessThan(1024);
  expect(r.restores?.map((x) => [x.point, x.verified])).toEqual([[0, true], [1, true]]);
  expect(r.restores?.[1].blocks).toBe(1024 + r.incrementalBlocks![0]);
});

test('a restore to the backup disk is refused live (its volumes are the pair\'s), with the reason', async ({ livePage: page }) => {
  const scenario = busyScenario({
    script: [
      { at: 10, op: 'split' }, { at: 10, op: 'backup', lba: 0, blocks: 0, transferBlocks: 8, check: 'unit', level: 'full' },
      { at: 10, op: 'restore', point: 0, to: 'disk' },
    ],
  });
  const r = await page.evaluate((s) => window.splitstream.run(s, { runtime: 'live' }), scenario) as unknown as {
    verified: boolean; reason?: string; restores?: { verified: boolean; reason?: string }[];
  };
  expect(r.verified).toBe(false);
  expect(r.restores?.[0].reason).toMatch(/no backup disk/);
});
