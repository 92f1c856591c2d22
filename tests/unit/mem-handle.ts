/**
 * An in-memory stand-in for the FileSystemSyncAccessHandle methods the live runtime's file
 * code uses (read, write at an offset, truncate, getSize, flush), counting the calls that
 * cost in Chromium's OPFS: writes (each a message to the browser process) and growths.
 * The real OPFS files are exercised by the live e2e tests.
 */
export class MemHandle {
  bytes = new Uint8Array(0);
  grows = 0;
  writes = 0;
  flushes = 0;
  getSize(): number { return this.bytes.length; }
  read(view: Uint8Array, o: { at: number }): number {
    const n = Math.max(0, Math.min(view.length, this.bytes.length - o.at));
    view.set(this.bytes.subarray(o.at, o.at + n));
    return n;
  }
  write(view: Uint8Array, o: { at: number }): number {
    this.writes++;
    if (o.at + view.length > this.bytes.length) {
      this.grows++;
      const b = new Uint8Array(o.at + view.length);
      b.set(this.bytes);
      this.bytes = b;
    }
    this.bytes.set(view, o.at);
    return view.length;
  }
  truncate(n: number): void {
    const b = new Uint8Array(n);
    b.set(this.bytes.subarray(0, n));
    this.bytes = b;
  }
  flush(): void { this.flushes++; }
  close(): void {}
}

/** A handle whose flush() keeps a copy: what an OS crash would leave. */
export class DurableHandle extends MemHandle {
  durable = new Uint8Array(0);
  flush(): void { super.flush(); this.durable = this.bytes.slice(); }
}
