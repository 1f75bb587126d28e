import { FramingError } from './smpp-errors.js';

/** The default cap on command_length: far above any real PDU (message_payload included). */
export const DEFAULT_MAX_PDU_LENGTH = 64 * 1024;

const HEADER_LENGTH = 16;

/**
 * Cuts a TCP byte stream into PDU frames by their command_length. Feed it with `push(chunk)` and take
 * frames with `next()` (or iterate `frames()`) until it returns undefined.
 *
 * A frame that lies inside one chunk is returned as a view of that chunk (no copy); only a frame that
 * spans chunks is assembled into a new Buffer. A command_length outside 16…maxPduLength means the
 * stream can never be resynchronised: `next()` throws a `FramingError`, and keeps throwing it, after
 * the frames before the bad header have been taken. Answer generic_nack (ESME_RINVCMDLEN) and close.
 */
export class PduFramer {
  readonly maxPduLength: number;
  private readonly chunks: Buffer[] = [];
  /** Index of the first chunk with unread bytes. */
  private head = 0;
  /** Read position inside chunks[head]. */
  private offset = 0;
  private buffered = 0;
  private failure: FramingError | undefined;

  constructor(options: { maxPduLength?: number } = {}) {
    const max = options.maxPduLength ?? DEFAULT_MAX_PDU_LENGTH;
    if (!Number.isInteger(max) || max < HEADER_LENGTH || max > 0xffffffff) {
      throw new RangeError(`maxPduLength must be an integer from 16 to 2^32-1, got ${max}`);
    }
    this.maxPduLength = max;
  }

  /** Octets received but not yet returned as frames. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** The framing error, once one has happened. */
  get error(): FramingError | undefined {
    return this.failure;
  }

  /** Adds received bytes. Ignored after a framing error: nothing more can be read from this stream. */
  push(chunk: Buffer): void {
    if (this.failure !== undefined || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /**
   * The next complete frame, or undefined until more bytes arrive.
   * @throws FramingError when the next command_length is invalid.
   */
  next(): Buffer | undefined {
    if (this.failure !== undefined) throw this.failure;
    if (this.buffered < 4) return undefined;
    const length = this.peekLength();
    if (length < HEADER_LENGTH || length > this.maxPduLength) {
      this.failure = new FramingError(length, this.maxPduLength);
      this.chunks.length = 0;
      this.head = 0;
      this.offset = 0;
      this.buffered = 0;
      throw this.failure;
    }
    if (this.buffered < length) return undefined;
    return this.take(length);
  }

  /** Yields every complete frame buffered so far; throws a FramingError where `next()` would. */
  *frames(): Generator<Buffer, void, undefined> {
    for (let frame = this.next(); frame !== undefined; frame = this.next()) yield frame;
  }

  private peekLength(): number {
    const first = this.chunks[this.head]!;
    if (first.length - this.offset >= 4) return first.readUInt32BE(this.offset);
    // The length itself is split across chunks (rare): gather its four octets.
    let value = 0;
    let index = this.head;
    let position = this.offset;
    for (let i = 0; i < 4; i++) {
      let chunk = this.chunks[index]!;
      while (position >= chunk.length) {
        chunk = this.chunks[++index]!;
        position = 0;
      }
      value = value * 256 + chunk[position++]!;
    }
    return value;
  }

  private take(length: number): Buffer {
    const first = this.chunks[this.head]!;
    if (first.length - this.offset >= length) {
      const frame = first.subarray(this.offset, this.offset + length);
      this.advance(length);
      return frame;
    }
    const frame = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const chunk = this.chunks[this.head]!;
      const count = Math.min(chunk.length - this.offset, length - filled);
      chunk.copy(frame, filled, this.offset, this.offset + count);
      filled += count;
      this.advance(count);
    }
    return frame;
  }

  /** Consumes `count` octets, all inside chunks[head]. */
  private advance(count: number): void {
    this.offset += count;
    this.buffered -= count;
    if (this.offset < this.chunks[this.head]!.length) return;
    this.head++;
    this.offset = 0;
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= 64) {
      // Drop consumed chunks now and then so a long partial PDU does not grow the array forever.
      this.chunks.splice(0, this.head);
      this.head = 0;
    }
  }
}
