/**
 * Datagrams as they cross from a listener's receiving thread to the event loop: many in one
 * message, their bytes back to back in one transferable buffer, with parallel arrays for
 * the source and the receive time. `DatagramQueue` is the receiving thread's store between
 * the socket and the event loop: bounded in bytes, oldest first; a datagram that does not
 * fit is refused (the caller counts it). Pure; shared by both sides of the thread.
 */

export interface DatagramBatch {
  /** The payloads, back to back. */
  readonly data: ArrayBuffer;
  /** End offset of each payload in `data`. */
  readonly ends: Uint32Array;
  /** Source addresses as the socket reported them. */
  readonly addresses: string[];
  readonly ports: Uint16Array;
  /** Receive times, ms on the process's monotonic clock (`monotonicMs`). */
  readonly stamps: Float64Array;
}

/** Milliseconds on a clock every thread of the process shares (CLOCK_MONOTONIC). */
export function monotonicMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1000 + ns / 1e6;
}

/** What a queued datagram costs beyond its payload (its slot in the arrays), for the bound. */
export const DATAGRAM_OVERHEAD = 64;
/** Datagrams per batch at most: the event loop handles one batch in one go. */
export const MAX_BATCH = 256;

/** The objects to transfer (not copy) when posting `b`. */
export function transferList(b: DatagramBatch): ArrayBuffer[] {
  return [b.data, b.ends.buffer as ArrayBuffer, b.ports.buffer as ArrayBuffer, b.stamps.buffer as ArrayBuffer];
}

/** Calls `fn` for each datagram of `b`, its bytes a view into the batch (no copy). */
export function forEachDatagram(b: DatagramBatch, fn: (bytes: Buffer, address: string, port: number, stamp: number) => void): void {
  let start = 0;
  for (let i = 0; i < b.ends.length; i++) {
    const end = b.ends[i]!;
    fn(Buffer.from(b.data, start, end - start), b.addresses[i]!, b.ports[i]!, b.stamps[i]!);
    start = end;
  }
}

/** Collects datagrams until `seal` packs them into one batch. */
class OpenBatch {
  msgs: Uint8Array[] = [];
  addresses: string[] = [];
  ports: number[] = [];
  stamps: number[] = [];
  bytes = 0;

  add(msg: Uint8Array, address: string, port: number, stamp: number): void {
    this.msgs.push(msg);
    this.addresses.push(address);
    this.ports.push(port);
    this.stamps.push(stamp);
    this.bytes += msg.byteLength;
  }

  seal(): DatagramBatch {
    const n = this.msgs.length;
    const data = new Uint8Array(this.bytes);
    const ends = new Uint32Array(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      data.set(this.msgs[i]!, at);
      at += this.msgs[i]!.byteLength;
      ends[i] = at;
    }
    const batch: DatagramBatch = { data: data.buffer, ends, addresses: this.addresses, ports: Uint16Array.from(this.ports), stamps: Float64Array.from(this.stamps) };
    this.msgs = [];
    this.addresses = [];
    this.ports = [];
    this.stamps = [];
    this.bytes = 0;
    return batch;
  }
}

export class DatagramQueue {
  private readonly sealed: DatagramBatch[] = [];
  private head = 0;
  private open = new OpenBatch();
  private held = 0;
  private count = 0;

  /** `limitBytes`: payloads plus DATAGRAM_OVERHEAD each. */
  constructor(private readonly limitBytes: number) {}

  /** Queues one datagram (copied when sealed); false when it does not fit. */
  push(msg: Uint8Array, address: string, port: number, stamp: number): boolean {
    const cost = msg.byteLength + DATAGRAM_OVERHEAD;
    if (this.held + cost > this.limitBytes) return false;
    this.open.add(msg, address, port, stamp);
    this.held += cost;
    this.count++;
    if (this.open.msgs.length >= MAX_BATCH) this.seal();
    return true;
  }

  /** Packs what was pushed since the last seal into a batch (frees the datagrams' own buffers). */
  seal(): void {
    if (this.open.msgs.length > 0) this.sealed.push(this.open.seal());
  }

  /** The oldest batch, or undefined when nothing is queued. */
  take(): DatagramBatch | undefined {
    if (this.head === this.sealed.length) this.seal();
    if (this.head === this.sealed.length) return undefined;
    const b = this.sealed[this.head]!;
    this.sealed[this.head++] = undefined as unknown as DatagramBatch;
    if (this.head > 1024 && this.head * 2 > this.sealed.length) {
      this.sealed.splice(0, this.head);
      this.head = 0;
    }
    this.held -= b.data.byteLength + b.ends.length * DATAGRAM_OVERHEAD;
    this.count -= b.ends.length;
    return b;
  }

  /** Datagrams queued. */
  size(): number {
    return this.count;
  }

  /** Bytes held against the limit. */
  bytes(): number {
    return this.held;
  }
}
