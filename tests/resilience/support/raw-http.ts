/**
 * Raw HTTP/1.1 over a socket, for requests a normal client would fix up: dot segments and encoded
 * slashes kept as sent, duplicate or odd Authorization headers, oversized headers.
 */
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function rawRequest(
  url: string,
  requestTarget: string,
  headerLines: string[],
  timeoutMs = 10_000,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const head = [
    `GET ${requestTarget} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Connection: close',
    ...headerLines,
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(
      () => socket.destroy(new Error(`no answer to ${requestTarget} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(Buffer.from(head, 'latin1')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    // The server may answer and close before it has read everything (431 on a huge header).
    socket.on('error', (error) => (chunks.length ? undefined : reject(error)));
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [rawHead, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = rawHead.split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
      if (!status) return reject(new Error(`no HTTP answer to ${requestTarget}: ${text.slice(0, 200)}`));
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const raw = rest.join('\r\n\r\n');
      resolve({ status, headers, body: /chunked/i.test(headers['transfer-encoding'] ?? '') ? dechunk(raw) : raw });
    });
  });
}

/** Decodes a chunked body (sizes in hex, each chunk followed by CRLF). */
function dechunk(raw: string): string {
  const buffer = Buffer.from(raw, 'utf8');
  const out: Buffer[] = [];
  let at = 0;
  while (at < buffer.length) {
    const lineEnd = buffer.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(buffer.subarray(at, lineEnd).toString('latin1'), 16);
    if (!size) break;
    out.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out).toString('utf8');
}
