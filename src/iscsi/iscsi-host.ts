/**
 * The iSCSI front end assembled (Node only; docs/iscsi.md): the sim runtime's controller
 * and SCSI target (the very ones of `splitstream run` and `splitstream scsi`), its volumes
 * in files under a folder, the tape 303 written to an AWSTAPE file as it goes, the
 * controller's clock driven by the wall clock (runtime/wall-clock.ts), and the TCP server.
 *
 * Files in the folder: pvol-601.img, svol-602.img, backup-disk.img (raw images of the
 * scenario's geometry) and tape-303.aws. They are made afresh from the scenario at start
 * (the pair's differential 514 lives in memory, so older files could not be trusted), and
 * a folder that already holds them is refused rather than overwritten; they stay after
 * the target stops, for tapemap, hetget or a loop mount.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSharedMemory } from '../core/memory.ts';
import { loadCoreOrReference } from '../core/load-node.ts';
import { AwsTapeWriter } from '../devices/awstape.ts';
import { FileBlockDevice } from '../devices/file-device-node.ts';
import { WallClockDriver } from '../runtime/wall-clock.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../scenario/schema.ts';
import { DEFAULT_ARRAY_SERIAL } from '../scsi/lu-layout.ts';
import { createSimTarget, type SimTarget } from '../runtime/sim-target.ts';
import type { ScsiPort } from './scsi-task.ts';
import { IscsiServer } from './target-server.ts';

/**
 * Largest READ/WRITE: 64 MiB, so Block Limits (VPD B0h) lets initiators batch as libiscsi's
 * Read10/Write10.Async do (8000 blocks in flight) without being told the LU is too small.
 */
export const MAX_TRANSFER_BYTES = 64 * 1024 * 1024;

/**
 * The scenario `splitstream iscsi` serves by default: the built-in one (a duplex pair, a
 * quarter of it pending, so the background copy runs as time passes), at 64 MiB per volume.
 */
export const ISCSI_DEFAULT_SCENARIO: Scenario = {
  ...DEFAULT_SCENARIO, name: `${DEFAULT_SCENARIO.name}, 64 MiB volumes`,
  geometry: { ...DEFAULT_SCENARIO.geometry, blocks: 16384 },
};

export const VOLUME_FILES = { pvol: 'pvol-601.img', svol: 'svol-602.img', backupDisk: 'backup-disk.img', tape: 'tape-303.aws' } as const;

/** The target's iSCSI name: the array serial under a naming authority no one can own (RFC 2606 .invalid). */
export function targetNameOf(serial = DEFAULT_ARRAY_SERIAL): string {
  return `iqn.2024-06.invalid.splitstream:${serial.toLowerCase()}`;
}

export interface IscsiHostOptions {
  scenario: Scenario;
  /** Folder for the volume files; default a fresh temporary folder. */
  dir?: string;
  host?: string;
  /** TCP port; 0 lets the system choose one (tests). */
  port?: number;
  /** Where warnings go (default stderr). */
  warn?: (line: string) => void;
}

export interface IscsiHost {
  readonly targetName: string;
  readonly address: string;
  readonly port: number;
  readonly dir: string;
  readonly files: { pvol: string; svol: string; backupDisk: string; tape: string };
  readonly sim: SimTarget<FileBlockDevice>;
  readonly server: IscsiServer;
  readonly driver: WallClockDriver;
  /** Stops listening, ends every session, flushes and closes the files. */
  close(): Promise<void>;
}

export async function startIscsiHost(o: IscsiHostOptions): Promise<IscsiHost> {
  const warn = o.warn ?? ((l) => process.stderr.write(`${l}\n`));
  const dir = o.dir ?? fs.mkdtempSync(join(tmpdir(), 'splitstream-iscsi-'));
  fs.mkdirSync(dir, { recursive: true });
  const files = {
    pvol: join(dir, VOLUME_FILES.pvol), svol: join(dir, VOLUME_FILES.svol),
    backupDisk: join(dir, VOLUME_FILES.backupDisk), tape: join(dir, VOLUME_FILES.tape),
  };
  const present = Object.values(files).filter((f) => fs.existsSync(f));
  if (present.length > 0) {
    throw new Error(`${present.join(', ')} already exist: remove them or choose another --dir (nothing was changed)`);
  }
  const { blocks, blockBytes } = o.scenario.geometry;
  const open = (path: string, name: string) => FileBlockDevice.open({ path, blockBytes, blocks, name });
  const volumes = { pvol: open(files.pvol, 'pvol-601'), svol: open(files.svol, 'svol-602'), backupDisk: open(files.backupDisk, 'backup-disk') };
  const tapeFd = fs.openSync(files.tape, 'w');
  const tape = new AwsTapeWriter({
    sink: (header, data) => { fs.writeSync(tapeFd, header); if (data.length) fs.writeSync(tapeFd, data); },
    flush: () => fs.fsyncSync(tapeFd),
  });
  const core = await loadCoreOrReference(createSharedMemory(1 << 20), warn);
  const sim = createSimTarget(o.scenario, {
    core, volumes, tape, keepEvents: false, maxSteps: Infinity, maxTransferBytes: MAX_TRANSFER_BYTES,
  });
  const targetName = targetNameOf();
  let server: IscsiServer | null = null;
  const driver = new WallClockDriver(sim.host.clock, {
    onError: (e) => {
      warn(`splitstream iscsi: the controller stopped: ${e instanceof Error ? e.message : e}`);
      void server?.close();
    },
  });
  const port: ScsiPort = {
    submit: (lun, cdb, data, nexus) => {
      driver.sync();
      const p = sim.target.submit(lun, cdb, data, nexus);
      if (!p.result) driver.poke();
      return p;
    },
    dataOutLength: (lun, cdb) => sim.target.dataOutLength(lun, cdb),
  };
  server = new IscsiServer({ port, luns: () => sim.target.luns(), targetName });
  let bound: { address: string; port: number };
  try {
    bound = await server.listen(o.port ?? 3260, o.host ?? '127.0.0.1');
  } catch (e) {
    driver.stop();
    for (const v of Object.values(volumes)) v.close();
    fs.closeSync(tapeFd);
    throw e;
  }
  driver.poke(); // the background copy of a duplex pair starts at once
  const srv = server;
  return {
    targetName, address: bound.address, port: bound.port, dir, files, sim, server: srv, driver,
    close: async () => {
      await srv.close();
      driver.stop();
      for (const v of Object.values(volumes)) { v.flush(); v.close(); }
      fs.fsyncSync(tapeFd);
      fs.closeSync(tapeFd);
    },
  };
}
