/**
 * A pass-through stream that fails on bytes that are not UTF-8. A character
 * split across two chunks is held back until its last byte arrives.
 */
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { LeerIdError } from '../errors/index.js';

export class Utf8Check extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  private offset = 0;
  /** The last byte that passed, to tell whether the text ends with a newline. */
  lastByte = -1;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = completeLength(data);
    const whole = data.subarray(0, cut);

    if (!isUtf8(whole)) return done(encodingError(this.offset));

    this.carry = Buffer.from(data.subarray(cut));
    this.offset += cut;
    if (whole.length) this.lastByte = whole[whole.length - 1] as number;
    done(null, whole);
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length) return done(encodingError(this.offset));
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

function encodingError(offset: number): LeerIdError {
  return new LeerIdError('dump.encoding', `the dump is not valid UTF-8 near byte ${offset}`);
}
