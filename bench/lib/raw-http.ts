/**
 * The load generator's HTTP/1.1: requests written as one string on kept-alive
 * sockets and answers read for just what a browser step needs (status,
 * Location, Set-Cookie, body). Node's own client validates and wraps every
 * header in several layers; on a 2-core machine whose cores the nodes under
 * test share, the load generator's CPU is taken from them.
 */
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  location: string | undefined;
  setCookie: string[];
  body: string;
}

const idle = new Map<number, Socket[]>();
const HEADER_END = Buffer.from('\r\n\r\n');

export async function rawRequest(
  port: number,
  request: { method: string; path: string; headers: Record<string, string>; body?: string },
): Promise<RawAnswer> {
  const body = request.body ?? '';
  let head = `${request.method} ${request.path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(request.headers)) head += `${name}: ${value}\r\n`;
  if (request.body !== undefined) head += `content-length: ${Buffer.byteLength(body)}\r\n`;
  const text = `${head}\r\n${body}`;

  const reused = takeIdle(port);
  if (reused) {
    // The node may have closed a kept-alive socket meanwhile: then once more on a new one.
    const answer = await send(port, reused, text).catch(() => undefined);
    if (answer) return answer;
  }
  return send(port, await open(port), text);
}

async function send(port: number, socket: Socket, text: string): Promise<RawAnswer> {
  try {
    const { answer, keepAlive } = await exchange(socket, text);
    if (keepAlive) idle.set(port, [...(idle.get(port) ?? []), socket]);
    else socket.destroy();
    return answer;
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

function takeIdle(port: number): Socket | undefined {
  const sockets = idle.get(port) ?? [];
  for (let socket = sockets.pop(); socket; socket = sockets.pop()) {
    if (!socket.destroyed) return socket;
  }
  return undefined;
}

async function open(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  // An idle socket the node resets must not end the process.
  socket.on('error', () => {});
  socket.unref();
  return socket;
}

function exchange(socket: Socket, text: string) {
  return new Promise<{ answer: RawAnswer; keepAlive: boolean }>((resolve, reject) => {
    let received: Buffer = Buffer.alloc(0);
    let parsed: ReturnType<typeof parseHead> | undefined;

    const done = (error?: Error, result?: { answer: RawAnswer; keepAlive: boolean }) => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve(result as { answer: RawAnswer; keepAlive: boolean });
    };
    const onError = (error: Error) => done(error);
    const onClose = () => done(new Error('connection closed before the answer was complete'));
    const onData = (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      if (!parsed) {
        const end = received.indexOf(HEADER_END);
        if (end < 0) return;
        parsed = parseHead(received.toString('latin1', 0, end));
        received = received.subarray(end + 4);
      }
      const body = parsed.chunked ? dechunk(received) : sized(received, parsed.length);
      if (body === undefined) return;
      const { status, location, setCookie, keepAlive } = parsed;
      done(undefined, {
        answer: { status, location, setCookie, body: body.toString('utf8') },
        keepAlive,
      });
    };

    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.write(text);
  });
}

function parseHead(head: string) {
  const lines = head.split('\r\n');
  const status = Number(lines[0]?.split(' ')[1]);
  let location: string | undefined;
  const setCookie: string[] = [];
  let length = 0;
  let chunked = false;
  let keepAlive = true;
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'location') location = value;
    else if (name === 'set-cookie') setCookie.push(value);
    else if (name === 'content-length') length = Number(value);
    else if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
    else if (name === 'connection') keepAlive = value.toLowerCase() !== 'close';
  }
  return { status, location, setCookie, length, chunked, keepAlive };
}

/** The body once `length` bytes are in. */
function sized(received: Buffer, length: number): Buffer | undefined {
  return received.length >= length ? received.subarray(0, length) : undefined;
}

/** The body once the last (empty) chunk is in. */
function dechunk(received: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = received.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(received.toString('latin1', at, lineEnd), 16);
    const start = lineEnd + 2;
    if (received.length < start + size + 2) return undefined;
    if (size === 0) return Buffer.concat(parts);
    parts.push(received.subarray(start, start + size));
    at = start + size + 2;
  }
}
