/** Small HTTP helpers shared by the stand-ins (plain node:http, no framework). */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(`request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** AWS JSON protocols (1.0 / 1.1) error: the SDK reads the name from x-amzn-errortype or __type. */
export function sendAwsJsonError(
  res: ServerResponse,
  status: number,
  name: string,
  message: string,
  contentType = 'application/x-amz-json-1.1',
): void {
  const requestId = randomUUID();
  const text = JSON.stringify({ __type: name, message });
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-errortype': `${name}:`,
    'x-amzn-requestid': requestId,
  });
  res.end(text);
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(html);
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function escapeXml(value: string): string {
  return escapeHtml(value);
}

/** A server for an async handler: when it fails, a response already begun is cut off, else `answerFailure` answers. */
export function createAsyncServer(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>,
  answerFailure: (res: ServerResponse, error: unknown) => void,
): Server {
  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      answerFailure(res, error);
    });
  });
}

export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** A stand-in's server and its listen(): binds the server, then `onListening` fits the stand-in to the port it got. */
export function makeListenable<T>(
  server: Server,
  onListening: (port: number, host: string) => T,
): { server: Server; listen(port: number, host: string): Promise<T> } {
  return { server, listen: async (port, host) => onListening(await listen(server, port, host), host) };
}

/** Closes a server and its keep-alive connections. */
export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** URL host part for a bind/public host (IPv6 literals in brackets). */
export function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The AWS-side error a generic fault name maps to, per wire protocol. */
export function statusForFault(error: string): number {
  if (error === 'ServiceUnavailable' || error === 'ServiceUnavailableException') return 503;
  if (error === 'InternalFailure' || error === 'InternalServerError') return 500;
  if (error === 'AccessDenied') return 403;
  return 400;
}
