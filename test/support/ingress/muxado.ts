// test support: muxado framing over one agent connection, with per-stream flow control (server side).
// Facts from docs/ngrok-agent-protocol.md §2: 8-byte big-endian header
// (length<<8 | type<<4 | flags, stream id), flags in the LOW nibble (FIN=0x1, SYN=0x2), a fixed
// 256 KiB window per direction and stream, WNDINC for every byte received, server ids even.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';

export const RST = 0;
export const DATA = 1;
export const WNDINC = 2;
export const GOAWAY = 3;
export const FIN = 0x1;
export const SYN = 0x2;
/** The window every stream starts with in each direction; never negotiated. */
export const WINDOW = 256 * 1024;
/** Largest DATA payload this side sends in one frame. */
export const MAX_FRAME = 64 * 1024;
/** RST codes used here. */
export const RST_STREAM_CANCELLED = 6;
/** Received bytes worth a WNDINC right away; less waits for the next turn of the event loop. */
const CREDIT_NOW = 64 * 1024;

/**
 * One muxado stream as a Duplex: writes become DATA frames within the peer's window, the
 * peer's DATA is pushed as readable bytes and credited back (WNDINC) as it is consumed.
 */
export class MuxStream extends Duplex {
  /** Bytes the peer still lets us send. */
  private sendWindow = WINDOW;
  private synPending: boolean;
  private pending: Buffer | null = null;
  private pendingOff = 0;
  private pendingCb: ((err?: Error | null) => void) | null = null;
  /** Bytes received and consumed but not yet credited back to the peer. */
  creditDue = 0;
  /** push() said stop: hold the credit until the consumer reads again. */
  backpressured = false;
  remoteFin = false;
  localFin = false;
  /** The RST code when the peer reset the stream. */
  resetCode: number | null = null;

  constructor(
    readonly session: MuxSession,
    readonly id: number,
    openedHere: boolean,
  ) {
    super({ allowHalfOpen: true });
    this.synPending = openedHere;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.pending = chunk;
    this.pendingOff = 0;
    this.pendingCb = cb;
    this.flush();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.localFin = true;
    if (!this.session.closed) this.session.writeFrame(DATA, this.takeSyn() | FIN, this.id);
    this.session.maybeForget(this);
    cb();
  }

  override _read(): void {
    this.backpressured = false;
    if (this.creditDue > 0) this.session.credit(this);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const finished = this.localFin && this.remoteFin;
    if (!finished && this.resetCode === null && !this.session.closed) {
      this.session.writeFrame(RST, 0, this.id, u32(RST_STREAM_CANCELLED));
    }
    this.session.forget(this);
    const done = this.pendingCb;
    this.pendingCb = null;
    this.pending = null;
    done?.(err ?? new Error('stream destroyed'));
    cb(err);
  }

  // Node's http client and other socket users poke these; a stream has nothing to tune.
  setNoDelay(): this { return this; }
  setKeepAlive(): this { return this; }
  setTimeout(): this { return this; }
  ref(): this { return this; }
  unref(): this { return this; }

  /** The peer granted more window (WNDINC). */
  grant(n: number): void {
    this.sendWindow += n;
    this.flush();
  }

  /** Send as much of the pending write as the window allows; call back when all of it went out. */
  private flush(): void {
    const buf = this.pending;
    if (!buf || this.session.closed) return;
    while (this.pendingOff < buf.length && this.sendWindow > 0) {
      const n = Math.min(buf.length - this.pendingOff, this.sendWindow, MAX_FRAME);
      this.session.writeFrame(DATA, this.takeSyn(), this.id, buf.subarray(this.pendingOff, this.pendingOff + n));
      this.pendingOff += n;
      this.sendWindow -= n;
    }
    if (this.pendingOff >= buf.length) {
      const cb = this.pendingCb;
      this.pending = null;
      this.pendingCb = null;
      cb?.();
    }
  }

  private takeSyn(): number {
    if (!this.synPending) return 0;
    this.synPending = false;
    return SYN;
  }
}

export interface MuxSessionOptions {
  /**
   * The agent runs with Nagle on; with Linux's delayed ACK here each small round trip would stall
   * ~40 ms. When a read leaves us nothing to send, write a no-op WNDINC(0) on the agent's
   * heartbeat stream so the ACK goes out at once (docs/ngrok-agent-protocol.md §1).
   */
  quickAck: boolean;
}

/**
 * The server end of a muxado session on one connected socket. Emits 'stream' (MuxStream) for each
 * stream the agent opens and 'close' once when the socket is gone.
 */
export class MuxSession extends EventEmitter {
  readonly streams = new Map<number, MuxStream>();
  closed = false;
  /** The agent's heartbeat stream id, once known: the target of the quick-ACK no-op. */
  heartbeatId = 0;
  private nextId = 2;
  private framesOut = 0;
  // Frame parser state: a partial header, then the body of the current frame.
  private readonly hdr = Buffer.alloc(8);
  private hdrFill = 0;
  private inBody = false;
  private fType = 0;
  private fFlags = 0;
  private fId = 0;
  private fLeft = 0;
  private ctrl: Buffer[] = [];
  private readonly dirty = new Set<MuxStream>();
  private creditScheduled = false;

  constructor(
    readonly socket: Duplex,
    private readonly opts: MuxSessionOptions,
  ) {
    super();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {}); // a reset agent connection ends in 'close' below
    socket.on('close', () => this.shutdown());
    socket.on('end', () => socket.destroy());
  }

  /** Open a server-side (even id) stream; its first DATA frame carries SYN. */
  open(): MuxStream {
    const s = new MuxStream(this, this.nextId, true);
    this.nextId += 2;
    this.streams.set(s.id, s);
    return s;
  }

  /** Drop the connection and every stream on it. */
  destroy(): void {
    this.socket.destroy();
    this.shutdown();
  }

  writeFrame(type: number, flags: number, id: number, body?: Buffer): void {
    if (this.closed) return;
    const len = body?.length ?? 0;
    const h = Buffer.allocUnsafe(8);
    h.writeUInt32BE(((len << 8) | (type << 4) | flags) >>> 0, 0);
    h.writeUInt32BE(id & 0x7fffffff, 4);
    this.framesOut++;
    if (len === 0) {
      this.socket.write(h);
      return;
    }
    this.socket.cork();
    this.socket.write(h);
    this.socket.write(body);
    this.socket.uncork();
  }

  /** Return the window a stream's consumer has freed (WNDINC). */
  credit(s: MuxStream): void {
    const n = s.creditDue;
    s.creditDue = 0;
    if (n > 0 && !s.remoteFin && !this.closed) this.writeFrame(WNDINC, 0, s.id, u32(n));
  }

  /** Both sides sent FIN: the id can go. */
  maybeForget(s: MuxStream): void {
    if (s.localFin && s.remoteFin) this.streams.delete(s.id);
  }

  forget(s: MuxStream): void {
    if (this.streams.get(s.id) === s) this.streams.delete(s.id);
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.streams.values()]) s.destroy();
    this.streams.clear();
    this.emit('close');
  }

  private onData(chunk: Buffer): void {
    const mark = this.framesOut;
    let off = 0;
    while (off < chunk.length && !this.closed) {
      if (!this.inBody) {
        const n = Math.min(8 - this.hdrFill, chunk.length - off);
        chunk.copy(this.hdr, this.hdrFill, off, off + n);
        this.hdrFill += n;
        off += n;
        if (this.hdrFill < 8) break;
        this.hdrFill = 0;
        const w0 = this.hdr.readUInt32BE(0);
        this.fLeft = w0 >>> 8;
        this.fType = (w0 >>> 4) & 0xf;
        this.fFlags = w0 & 0xf;
        this.fId = this.hdr.readUInt32BE(4) & 0x7fffffff;
        this.ctrl = [];
        this.inBody = true;
        if (this.fType === DATA && this.fFlags & SYN && !this.streams.has(this.fId)) {
          const s = new MuxStream(this, this.fId, false);
          this.streams.set(s.id, s);
          this.emit('stream', s);
        }
      } else {
        const n = Math.min(this.fLeft, chunk.length - off);
        const part = chunk.subarray(off, off + n);
        off += n;
        this.fLeft -= n;
        if (this.fType === DATA) this.deliver(part);
        else this.ctrl.push(part);
      }
      if (this.inBody && this.fLeft === 0) {
        this.inBody = false;
        this.endFrame();
      }
    }
    // Credit big amounts now; leave small ones for a moment so one WNDINC covers several reads.
    for (const s of this.dirty) {
      if (s.backpressured) this.dirty.delete(s);
      else if (s.creditDue >= CREDIT_NOW) {
        this.credit(s);
        this.dirty.delete(s);
      }
    }
    if (this.dirty.size && !this.creditScheduled) {
      this.creditScheduled = true;
      setImmediate(() => {
        this.creditScheduled = false;
        for (const s of this.dirty) if (!s.backpressured) this.credit(s);
        this.dirty.clear();
      });
    }
    if (this.opts.quickAck && !this.closed) {
      setImmediate(() => {
        if (this.framesOut === mark && this.heartbeatId && !this.closed) {
          this.writeFrame(WNDINC, 0, this.heartbeatId, u32(0));
        }
      });
    }
  }

  private deliver(part: Buffer): void {
    const s = this.streams.get(this.fId);
    if (!s || s.remoteFin || s.destroyed) return;
    if (!s.push(part)) s.backpressured = true;
    s.creditDue += part.length;
    this.dirty.add(s);
  }

  private endFrame(): void {
    const s = this.streams.get(this.fId);
    const body = this.ctrl.length ? Buffer.concat(this.ctrl) : Buffer.alloc(0);
    switch (this.fType) {
      case DATA:
        if (s && this.fFlags & FIN && !s.remoteFin) {
          s.remoteFin = true;
          s.push(null);
          this.maybeForget(s);
        }
        break;
      case WNDINC:
        if (s && body.length >= 4) s.grant(body.readUInt32BE(0));
        break;
      case RST:
        if (s) {
          s.resetCode = body.length >= 4 ? body.readUInt32BE(0) : 0;
          s.destroy();
        }
        break;
      case GOAWAY:
        this.destroy();
        break;
    }
  }
}

export function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}
