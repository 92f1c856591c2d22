/**
 * The iSCSI target's TCP side (Node only): a net.Server whose connections each run a
 * Connection, the sessions they log in to (several at once: the client and the backup
 * server are two initiators), session reinstatement (a new login with the same initiator
 * name and ISID ends the old session, RFC 7143 §6.3.5), and SendTargets discovery. One
 * target name, one portal group (tag 1) on the address it listens on.
 */
import * as net from 'node:net';
import { Connection, type ServerSide } from './connection.ts';
import type { LoginResult } from './login.ts';
import type { ScsiPort, ScsiTask } from './scsi-task.ts';
import { Session } from './session.ts';
import { RFC_DEFAULTS, TARGET_LIMITS, type KeyValues, type SessionParams, type TargetLimits } from './text-keys.ts';

/** Bytes queued to a socket past which its commands wait (see accept()). */
const BACKLOG_BYTES = 32 * 1024 * 1024;

export interface IscsiServerOptions {
  /** The SCSI target the sessions' commands go to. */
  port: ScsiPort;
  /** LUNs that exist (task management's LUN checks). */
  luns: () => number[];
  targetName: string;
  limits?: TargetLimits;
  /** CmdSN window per session. */
  window?: number;
  /** A bug met while handling a PDU (its connection is closed); default: logged to stderr. */
  internalError?: (e: unknown) => void;
}

export class IscsiServer implements ServerSide {
  readonly port: ScsiPort;
  readonly targetName: string;
  readonly portalGroupTag = 1;
  readonly limits: TargetLimits;
  readonly defaults: SessionParams = RFC_DEFAULTS;
  readonly window: number;
  private readonly byTsih = new Map<number, Session<ScsiTask>>();
  private readonly conns = new Map<Connection, Session<ScsiTask> | null>();
  private readonly sockets = new Set<net.Socket>();
  private nextTsih = 1;
  private server: net.Server | null = null;
  private pendingLogin: { r: LoginResult; tsih: number } | null = null;
  readonly internalError?: (e: unknown) => void;

  constructor(private readonly o: IscsiServerOptions) {
    this.port = o.port;
    this.targetName = o.targetName;
    this.limits = o.limits ?? TARGET_LIMITS;
    this.window = o.window ?? 128;
    this.internalError = o.internalError;
  }

  /** Starts listening; resolves with the address (port 0 → the one the system chose). */
  listen(port = 3260, host = '127.0.0.1'): Promise<{ address: string; port: number }> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => this.accept(socket));
      this.server = server;
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const a = server.address() as net.AddressInfo;
        resolve({ address: a.address, port: a.port });
      });
    });
  }

  /** Stops listening and ends every connection. */
  close(): Promise<void> {
    for (const c of [...this.conns.keys()]) c.close();
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => { if (this.server) this.server.close(() => resolve()); else resolve(); });
  }

  /** Sessions logged in now (a status line; tests). */
  get sessionCount(): number { return this.byTsih.size; }

  /** A connection over any Wire (tests and fuzzing use this without a socket). */
  connect(wire: { write(chunks: Uint8Array[]): void; close(): void }, local?: { address: string; port: number }): Connection {
    const c = new Connection(this, wire, local);
    this.conns.set(c, null);
    return c;
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const local = { address: plainAddress(socket.localAddress ?? '127.0.0.1'), port: socket.localPort ?? 3260 };
    const c = this.connect({
      write: (chunks) => {
        if (socket.destroyed) return;
        if (chunks.length > 1) socket.cork();
        for (const ch of chunks) socket.write(ch);
        if (chunks.length > 1) socket.uncork();
        // An initiator that sends commands but does not read their data: stop taking its
        // commands until it has (else 128 READs of 64 MiB each would sit in memory).
        if (socket.writableLength > BACKLOG_BYTES && !socket.isPaused()) {
          socket.pause();
          socket.once('drain', () => socket.resume());
        }
      },
      close: () => { socket.end(); },
    }, local);
    socket.on('data', (d: Buffer) => c.receive(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
    socket.on('error', () => { /* reset by the peer: 'close' follows */ });
    socket.on('close', () => { this.sockets.delete(socket); c.close(); });
  }

  // ---- ServerSide ----

  open(r: LoginResult): number {
    // Reinstatement: the same initiator port (name + ISID) logging in anew ends its old session.
    for (const [conn, s] of this.conns) {
      if (s && s.id.initiatorName === r.initiatorName && s.id.isid === r.isid) conn.close();
    }
    const tsih = this.nextTsih;
    this.nextTsih = this.nextTsih >= 0xffff ? 1 : this.nextTsih + 1;
    this.pendingLogin = { r, tsih };
    return tsih;
  }

  session(tsih: number, c: Connection): Session<ScsiTask> {
    const p = this.pendingLogin;
    if (!p || p.tsih !== tsih) throw new Error('session bound without its login');
    this.pendingLogin = null;
    const s = new Session<ScsiTask>({
      tsih, initiatorName: p.r.initiatorName, isid: p.r.isid, type: p.r.sessionType,
      targetName: this.targetName, portalGroupTag: this.portalGroupTag,
    }, p.r.params, p.r.cmdSn, this.window);
    this.byTsih.set(tsih, s);
    this.conns.set(c, s);
    return s;
  }

  sessions(): Iterable<Session<ScsiTask>> { return this.byTsih.values(); }

  hasLun(lun: number): boolean { return this.o.luns().includes(lun); }

  sendTargets(value: string, session: Session<ScsiTask>, local: { address: string; port: number }): KeyValues {
    const mine = value === 'All' || value === this.targetName || (value === '' && session.id.type === 'Normal');
    if (!mine) return [];
    const host = local.address.includes(':') ? `[${local.address}]` : local.address;
    return [['TargetName', this.targetName], ['TargetAddress', `${host}:${local.port},${this.portalGroupTag}`]];
  }

  closed(c: Connection): void {
    const s = this.conns.get(c);
    this.conns.delete(c);
    if (!s) return;
    for (const t of [...s.tasks.values()]) t.abort(() => {});
    if (this.byTsih.get(s.id.tsih) === s) this.byTsih.delete(s.id.tsih);
  }

  coldReset(): void {
    for (const c of [...this.conns.keys()]) c.close();
  }
}

/** '::ffff:127.0.0.1' → '127.0.0.1' (a v4 client on a dual-stack socket). */
function plainAddress(a: string): string {
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}
