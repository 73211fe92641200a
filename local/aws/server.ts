/**
 * The AWS stand-in: one HTTP server for STS (Query/XML), SageMaker (JSON 1.1), the Studio front
 * door (by Host header) and, when given, the control API under /_local/.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Knobs } from '../knobs';
import { createAsyncServer, makeListenable, readBody, sendAwsJsonError, sendJson, statusForFault } from '../http-util';
import { handleSts, StsError, stsErrorXml } from './sts';
import { handleSageMaker, SageMakerError, type StudioUrlOptions } from './sagemaker';
import { handleStudio, studioHostPattern, type StudioOptions } from './studio';
import { StudioTokens } from './studio-token';
import type { AwsState } from './state';
import { handleSns, SnsError, snsErrorXml } from './sns';
import { parseAuthorization } from '../sigv4';

export interface AwsOptions {
  studio: {
    suffix: string;
    scheme: string;
    /** Port in AuthorizedUrls: a number, "none" for the scheme's default, or undefined = this server's port. */
    publicPort?: number | 'none';
    vpceAddresses: string[];
  };
  control?: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;
}

export interface AwsStandIn {
  server: Server;
  state: AwsState;
  tokens: StudioTokens;
  listen(port: number, host: string): Promise<number>;
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}

export function createAwsServer(knobs: Knobs, state: AwsState, opts: AwsOptions): AwsStandIn {
  const tokens = new StudioTokens(() => state.now());
  const studioPattern = studioHostPattern(opts.studio.suffix);
  const studioOptions: StudioOptions = { suffix: opts.studio.suffix, vpceAddresses: opts.studio.vpceAddresses };
  let urlOptions: StudioUrlOptions = { scheme: opts.studio.scheme, suffix: opts.studio.suffix };

  /** A Query-protocol (XML) service: the knobs (count, latency, injected fault) per action, then its answer or its error. */
  const queryService =
    (
      service: 'sts' | 'sns',
      handle: (req: IncomingMessage, body: Buffer) => Promise<{ action: string; run: () => Promise<string> }>,
      ErrorClass: typeof StsError | typeof SnsError,
      errorXml: (code: string, message: string, type?: string) => string,
    ) =>
    async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
      const { action, run } = await handle(req, body);
      const fault = await knobs.intercept(service, action);
      if (fault)
        return sendXml(
          res,
          statusForFault(fault),
          errorXml(fault, `Injected fault: ${fault}`, statusForFault(fault) >= 500 ? 'Receiver' : 'Sender'),
        );
      try {
        sendXml(res, 200, await run());
      } catch (error) {
        if (error instanceof ErrorClass)
          return sendXml(res, error.status, errorXml(error.code, error.message, error.type));
        throw error;
      }
    };
  const sts = queryService('sts', (req, body) => handleSts(state, req, body), StsError, stsErrorXml);
  const sns = queryService('sns', (req, body) => handleSns(state, state.sns, req, body), SnsError, snsErrorXml);

  const sagemaker = async (req: IncomingMessage, res: ServerResponse, body: Buffer, operation: string) => {
    const fault = await knobs.intercept('sagemaker', operation);
    if (fault) return sendAwsJsonError(res, statusForFault(fault), fault, `Injected fault: ${fault}`);
    try {
      const result = await handleSageMaker(state, tokens, urlOptions, req, body, operation);
      sendJson(res, 200, result, { 'content-type': 'application/x-amz-json-1.1' });
    } catch (error) {
      if (error instanceof SageMakerError) return sendAwsJsonError(res, error.status, error.code, error.message);
      throw error;
    }
  };

  /** Query-protocol calls (no X-Amz-Target) are told apart by the service their signature is scoped to. */
  const signedFor = (req: IncomingMessage): string | undefined => {
    try {
      return parseAuthorization(req.headers.authorization).service;
    } catch {
      return undefined;
    }
  };

  const server = createAsyncServer(
    async (req, res) => {
      const host = String(req.headers.host ?? '');
      const studio = studioPattern.exec(host);
      if (studio) {
        const fault = await knobs.intercept('studio', 'auth');
        if (fault) return sendJson(res, statusForFault(fault), { message: `Injected fault: ${fault}` });
        return handleStudio(state, tokens, studioOptions, req, res, {
          domainId: studio[1].toLowerCase(),
          region: studio[2],
        });
      }
      const path = new URL(req.url ?? '/', 'http://aws').pathname;
      if (path.startsWith('/_local/') && opts.control) return opts.control(req, res, path);
      if (req.method !== 'POST') return sendJson(res, 404, { message: 'Not found' });
      const body = await readBody(req);
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target.startsWith('SageMaker.')) return sagemaker(req, res, body, target.slice('SageMaker.'.length));
      if (target) return sendAwsJsonError(res, 400, 'UnknownOperationException', `Unknown target ${target}`);
      if (signedFor(req) === 'sns') return sns(req, res, body);
      return sts(req, res, body);
    },
    (res, error) =>
      sendJson(res, 500, {
        __type: 'InternalFailure',
        message: error instanceof Error ? error.message : String(error),
      }),
  );

  return {
    ...makeListenable(server, (actual) => {
      const publicPort = opts.studio.publicPort;
      urlOptions = { ...urlOptions, port: publicPort === 'none' ? undefined : (publicPort ?? actual) };
      return actual;
    }),
    state,
    tokens,
  };
}
