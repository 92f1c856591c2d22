// Block devices (src/devices): the contract of block-device.ts, the in-memory volume with
// its injected failure (used for COPY ABORTED 0A/0D/01, docs/scsi.md#sense-codes), and the
// Node file volume.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BlockDevice, DeviceError, checkRange } from '../../src/devices/block-device.ts';
import { MEMORY_DEVICE_MAX_BYTES, MemoryBlockDevice } from '../../src/devices/memory-device.ts';
import { FileBlockDevice } from '../../src/devices/file-device-node.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'splitstream-devices-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;
const tmpFile = () => path.join(tmp, `vol-${fileNo++}.img`);

/** Block-sized pattern that names its block, so a misplaced block is visible. */
function pattern(blockBytes: number, count: number, tag: number): Uint8Array {
  const b = new Uint8Array(blockBytes * count);
  for (let i = 0; i < b.length; i++) b[i] = (tag * 31 + i * 7) & 0xff;
  return b;
}

function expectDeviceError(f: () => void, op: string, lba: number, device: string): DeviceError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DeviceError);
    const d = e as DeviceError;
    expect([d.op, d.lba, d.device]).toEqual([op, lba, device]);
    return d;
  }
  throw new Error('expected a DeviceError');
}

describe('checkRange', () => {
  const dev = { name: 'd', blockBytes: 512, blocks: 8 };
  it('accepts in-range requests, including an empty one at the end', () => {
    expect(() => checkRange(dev, 0, 8, new Uint8Array(4096))).not.toThrow();
    expect(() => checkRange(dev, 8, 0, new Uint8Array(0))).not.toThrow();
  });
  it('rejects ranges past the end, negative or fractional LBAs and short buffers', () => {
    expectDeviceError(() => checkRange(dev, 7, 2, new Uint8Array(1024), 'write'), 'write', 7, 'd');
    expectDeviceError(() => checkRange(dev, -1, 1, new Uint8Array(512)), 'read', -1, 'd');
    expectDeviceError(() => checkRange(dev, 1.5, 1, new Uint8Array(512)), 'read', 1.5, 'd');
    expectDeviceError(() => checkRange(dev, 0, -1, new Uint8Array(512)), 'read', 0, 'd');
    const e = expectDeviceError(() => checkRange(dev, 2, 2, new Uint8Array(1023)), 'read', 2, 'd');
    expect(e.message).toMatch(/1023 bytes, 1024 needed/);
  });
});

describe('MemoryBlockDevice', () => {
  it('writes land at lba*blockBytes and read back', () => {
    const d = new MemoryBlockDevice({ name: 'pvol-601', blocks: 16, blockBytes: 512 });
    const p = pattern(512, 3, 1);
    d.write(5, 3, p);
    expect(d.data.subarray(5 * 512, 8 * 512)).toEqual(p);
    expect(d.data.subarray(0, 5 * 512).every((b) => b === 0)).toBe(true);
    expect(d.data.subarray(8 * 512).every((b) => b === 0)).toBe(true);
    const out = new Uint8Array(3 * 512 + 10).fill(0xee);
    d.read(5, 3, out);
    expect(out.subarray(0, 3 * 512)).toEqual(p);
    expect(out.subarray(3 * 512).every((b) => b === 0xee)).toBe(true); // tail untouched
  });

  it('copies its initial data and rejects data of the wrong size', () => {
    const init = pattern(4, 4, 9);
    const d = new MemoryBlockDevice({ name: 'm', blocks: 4, blockBytes: 4, data: init });
    init[0] ^= 0xff;
    expect(d.data[0]).toBe(init[0] ^ 0xff);
    expect(() => new MemoryBlockDevice({ name: 'm', blocks: 4, blockBytes: 4, data: new Uint8Array(15) }))
      .toThrow(/15 bytes, geometry needs 16/);
  });

  it('rejects out-of-range requests without touching the data', () => {
    const d = new MemoryBlockDevice({ name: 'svol-602', blocks: 4, blockBytes: 8 });
    expectDeviceError(() => d.write(3, 2, new Uint8Array(16).fill(1)), 'write', 3, 'svol-602');
    expect(d.data.every((b) => b === 0)).toBe(true);
    expectDeviceError(() => d.read(4, 1, new Uint8Array(8)), 'read', 4, 'svol-602');
  });

  it('caps the size at 1 GiB with a clear error and rejects a bad geometry', () => {
    expect(() => new MemoryBlockDevice({ name: 'big', blocks: MEMORY_DEVICE_MAX_BYTES / 512 + 1, blockBytes: 512 }))
      .toThrow(/exceeds the in-memory device cap.*1 GiB/);
    expect(() => new MemoryBlockDevice({ name: 'z', blocks: 4, blockBytes: 0 })).toThrow(RangeError);
    expect(() => new MemoryBlockDevice({ name: 'z', blocks: -1, blockBytes: 512 })).toThrow(RangeError);
  });

  it('injected failure fires for any range covering the LBA, for that op only', () => {
    const d = new MemoryBlockDevice({ name: 'svol-602', blocks: 10, blockBytes: 4, failAt: { op: 'read', lba: 6 } });
    const buf = new Uint8Array(40);
    d.read(0, 6, buf); // ends just before 6
    d.read(7, 3, buf);
    d.write(0, 10, pattern(4, 10, 3)); // writes are not armed
    const e = expectDeviceError(() => d.read(4, 3, buf), 'read', 6, 'svol-602');
    expect(e.message).toMatch(/injected/);
    d.failAt = { op: 'write', lba: 0 };
    const before = d.data.slice();
    expectDeviceError(() => d.write(0, 1, new Uint8Array(4).fill(0x55)), 'write', 0, 'svol-602');
    expect(d.data).toEqual(before); // a failed write changes nothing
    d.failAt = undefined;
    d.read(6, 1, buf);
  });

  it('counts flushes', () => {
    const d = new MemoryBlockDevice({ name: 'm', blocks: 1, blockBytes: 512 });
    d.flush();
    d.flush();
    expect(d.flushes).toBe(2);
  });
});

describe('FileBlockDevice', () => {
  it('creates a file of exactly blocks*blockBytes, persists writes across reopen', () => {
    const p = tmpFile();
    const d = FileBlockDevice.open({ path: p, blocks: 32, blockBytes: 512, name: 'pvol-601' });
    expect(fs.statSync(p).size).toBe(32 * 512);
    const data = pattern(512, 4, 2);
    d.write(10, 4, data);
    d.flush();
    d.close();
    expect(fs.readFileSync(p).subarray(10 * 512, 14 * 512)).toEqual(Buffer.from(data));
    const again = FileBlockDevice.open({ path: p, blockBytes: 512 });
    expect(again.blocks).toBe(32);
    const out = new Uint8Array(4 * 512);
    again.read(10, 4, out);
    expect(out).toEqual(data);
    again.close();
  });

  it('resizes an existing file to the requested geometry and rejects a ragged one', () => {
    const p = tmpFile();
    fs.writeFileSync(p, new Uint8Array(1000).fill(7));
    expect(() => FileBlockDevice.open({ path: p, blockBytes: 512 })).toThrow(/not a multiple of 512/);
    const d = FileBlockDevice.open({ path: p, blocks: 4, blockBytes: 512 });
    expect(fs.statSync(p).size).toBe(2048);
    const out = new Uint8Array(2048);
    d.read(0, 4, out);
    expect(out.subarray(0, 1000).every((b) => b === 7)).toBe(true);
    expect(out.subarray(1000).every((b) => b === 0)).toBe(true); // extension reads as zeros
    d.close();
    const cut = FileBlockDevice.open({ path: p, blocks: 1, blockBytes: 512 });
    expect(fs.statSync(p).size).toBe(512); // a smaller geometry cuts the file
    expect(cut.blocks).toBe(1);
    cut.close();
  });

  it('rejects out-of-range and short-buffer requests; a closed device throws DeviceError', () => {
    const d = FileBlockDevice.open({ path: tmpFile(), blocks: 4, blockBytes: 512, name: 'f' });
    expectDeviceError(() => d.read(3, 2, new Uint8Array(1024)), 'read', 3, 'f');
    expectDeviceError(() => d.write(0, 2, new Uint8Array(1000)), 'write', 0, 'f');
    d.close();
    d.close(); // idempotent
    expectDeviceError(() => d.read(0, 1, new Uint8Array(512)), 'read', 0, 'f');
    expectDeviceError(() => d.flush(), 'flush', 0, 'f');
  });
});

// Model-based: any sequence of in-range writes leaves every device equal to a plain array
// model, and any read returns the model's bytes.
describe('devices agree with a model under random writes and reads', () => {
  const BB = 16;
  const N = 24;
  const op = fc.record({
    write: fc.boolean(),
    lba: fc.integer({ min: 0, max: N - 1 }),
    count: fc.integer({ min: 0, max: 6 }),
    tag: fc.integer({ min: 0, max: 255 }),
  });
  const check = (make: () => BlockDevice & { close?: () => void }) =>
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const dev = make();
      const model = new Uint8Array(N * BB);
      try {
        for (const o of ops) {
          const count = Math.min(o.count, N - o.lba);
          if (o.write) {
            const p = pattern(BB, count, o.tag);
            dev.write(o.lba, count, p);
            model.set(p, o.lba * BB);
          } else {
            const out = new Uint8Array(count * BB);
            dev.read(o.lba, count, out);
            expect(out).toEqual(model.subarray(o.lba * BB, (o.lba + count) * BB));
          }
        }
        const all = new Uint8Array(N * BB);
        dev.read(0, N, all);
        expect(all).toEqual(model);
      } finally {
        dev.close?.();
      }
    }), { numRuns: 60 });

  it('memory device', () => check(() => new MemoryBlockDevice({ name: 'm', blocks: N, blockBytes: BB })));
  it('file device', () => {
    const p = tmpFile();
    check(() => { fs.rmSync(p, { force: true }); return FileBlockDevice.open({ path: p, blocks: N, blockBytes: BB }); });
  });
});
