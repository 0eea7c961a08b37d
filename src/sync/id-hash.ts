/**
 * Two independent 32-bit hashes of a Discimus id, from its string or from
 * its bytes (ids are ASCII, so both give the same), written into `out`:
 * the Bloom filter and the table of stored pupils key on them.
 */

export function hashId(id: string, out: Int32Array): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ id.length;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  finish(h1, h2, out);
}

export function hashIdBytes(bytes: Uint8Array, from: number, to: number, out: Int32Array): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ (to - from);
  for (let i = from; i < to; i++) {
    const c = bytes[i] as number;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  finish(h1, h2, out);
}

function finish(h1: number, h2: number, out: Int32Array): void {
  const a = mix(h1);
  out[0] = a;
  out[1] = mix(h2 ^ a);
}

/** murmur3's finaliser: every input bit reaches every output bit. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
