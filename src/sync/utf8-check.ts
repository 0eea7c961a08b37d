/**
 * A pass-through stream that fails on bytes that are not UTF-8, naming the
 * line and byte. A character split across two chunks is held back until its
 * last byte arrives.
 */
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { LeerIdError } from '../errors/index.js';

export class Utf8Check extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  private offset = 0;
  /** Line feeds passed so far: the line of a fault is one more. */
  private lineFeeds = 0;
  /** The last byte that passed, to tell whether the text ends with a newline. */
  lastByte = -1;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = completeLength(data);
    const whole = data.subarray(0, cut);

    if (!isUtf8(whole)) {
      const at = firstInvalid(whole);
      return done(encodingError(this.lineFeeds + countLineFeeds(whole, at) + 1, this.offset + at));
    }

    this.carry = Buffer.from(data.subarray(cut));
    this.offset += cut;
    this.lineFeeds += countLineFeeds(whole, whole.length);
    if (whole.length) this.lastByte = whole[whole.length - 1] as number;
    done(null, whole);
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length) {
      return done(encodingError(this.lineFeeds + countLineFeeds(this.carry, 0) + 1, this.offset));
    }
    done();
  }
}

/** Length of `data` without an unfinished multi-byte character at its end. */
function completeLength(data: Buffer): number {
  const end = data.length;
  for (let back = 1; back <= Math.min(4, end); back++) {
    const byte = data[end - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back

    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? end - back : end;
  }
  return end;
}

function countLineFeeds(data: Buffer, end: number): number {
  let count = 0;
  for (let at = data.indexOf(0x0a); at >= 0 && at < end; at = data.indexOf(0x0a, at + 1)) count++;
  return count;
}

/** Where the first byte sequence that is not UTF-8 starts (only called on a fault). */
function firstInvalid(data: Buffer): number {
  let at = 0;
  while (at < data.length) {
    const byte = data[at] as number;
    const size =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte < 0xe0
          ? 2
          : byte >= 0xe0 && byte < 0xf0
            ? 3
            : byte >= 0xf0 && byte < 0xf5
              ? 4
              : 0;
    if (size === 0 || !isUtf8(data.subarray(at, at + size)) || at + size > data.length) return at;
    at += size;
  }
  return at;
}

function encodingError(line: number, offset: number): LeerIdError {
  return new LeerIdError(
    'dump.encoding',
    `line ${line}: not valid UTF-8 (byte ${offset} of the uncompressed text)`,
  );
}
