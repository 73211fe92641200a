/** The control API (/_local/ on the AWS port): counters, latency, faults, key rotation, fixtures. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-util';
import { KnobSpecError, type Knobs } from './knobs';
import { appKey, DEFAULT_APP_INSTANCE_TYPE, ensureSpace } from './aws/state';
import type { AwsState, StudioApp, StudioDomain } from './aws/state';
import { NAME_PATTERN } from './aws/sagemaker';
import type { CognitoStandIn } from './cognito/server';
import { assertUsername, CognitoApiError } from './cognito/user-store';

export interface ControlDeps {
  knobs: Knobs;
  aws: AwsState;
  cognito: CognitoStandIn;
  health(): Promise<Record<string, boolean>>;
}

class ControlInputError extends Error {}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, 64 * 1024 * 1024);
  if (body.length === 0) return {};
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ControlInputError('body must be a JSON object');
}

/**
 * One fixture app: an existing profile's app (or, with `spaceName`, the app of that profile's private space),
 * optionally of another `instanceType` and started `runningSeconds` ago (by the stand-in's clock).
 */
function fixtureApp(domain: StudioDomain, entry: Record<string, unknown>, i: number, now: Date): StudioApp {
  const userProfile = String(entry.userProfile ?? '');
  const appType = entry.appType === 'CodeEditor' ? 'CodeEditor' : 'JupyterLab';
  if (!domain.profiles.has(userProfile))
    throw new ControlInputError(`apps[${i}].userProfile is not a profile of ${domain.domainId}`);
  const spaceName = entry.spaceName === undefined ? undefined : String(entry.spaceName);
  if (spaceName !== undefined && !NAME_PATTERN.test(spaceName))
    throw new ControlInputError(`apps[${i}].spaceName is not a space name`);
  const instanceType = entry.instanceType === undefined ? DEFAULT_APP_INSTANCE_TYPE : String(entry.instanceType);
  if (!/^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceType))
    throw new ControlInputError(`apps[${i}].instanceType must look like ml.t3.medium`);
  const running = entry.runningSeconds === undefined ? 0 : Number(entry.runningSeconds);
  if (!Number.isFinite(running) || running < 0)
    throw new ControlInputError(`apps[${i}].runningSeconds must be a number of seconds >= 0`);
  ensureSpace(domain, spaceName, userProfile, now);
  return {
    userProfile,
    spaceName,
    appType,
    appName: 'default',
    status: 'InService',
    createdAt: new Date(now.getTime() - running * 1000),
    instanceType,
  };
}

export function createControlHandler(deps: ControlDeps) {
  const { knobs } = deps;
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const method = req.method ?? 'GET';
    const route = `${method} ${path}`;
    try {
      if (route === 'GET /_local/health') {
        const services = await deps.health();
        return sendJson(res, Object.values(services).every(Boolean) ? 200 : 503, {
          ok: Object.values(services).every(Boolean),
          services,
        });
      }
      if (route === 'GET /_local/counters') return sendJson(res, 200, knobs.getCounters());
      if (route === 'GET /_local/calls') return sendJson(res, 200, knobs.getCalls());
      if (route === 'GET /_local/cloudtrail') {
        const query = new URL(req.url ?? '/', 'http://control').searchParams;
        const filters: Array<[string, (e: AwsState['trail'][number]) => string | undefined]> = [
          ['account', (e) => e.recipientAccountId],
          ['eventName', (e) => e.eventName],
          ['eventSource', (e) => e.eventSource],
          [
            'sourceIdentity',
            (e) =>
              e.userIdentity.sessionContext?.sourceIdentity ??
              (e.requestParameters?.sourceIdentity as string | undefined),
          ],
        ];
        const records = deps.aws.trail.filter((event) =>
          filters.every(([name, get]) => !query.has(name) || get(event) === query.get(name)),
        );
        return sendJson(res, 200, { Records: records });
      }
      if (route === 'DELETE /_local/cloudtrail') {
        deps.aws.trail = [];
        return sendJson(res, 200, {});
      }
      if (route === 'GET /_local/sagemaker/settings')
        return sendJson(res, 200, { profileCreationDelayMs: deps.aws.profileCreationDelayMs });
      if (route === 'POST /_local/sagemaker/settings') {
        const body = await readJson(req);
        const delay = body.profileCreationDelayMs;
        if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > 86_400_000) {
          throw new ControlInputError('"profileCreationDelayMs" must be an integer number of milliseconds 0-86400000');
        }
        deps.aws.profileCreationDelayMs = delay;
        return sendJson(res, 200, { profileCreationDelayMs: delay });
      }
      if (route === 'POST /_local/studio/clock') {
        // The SageMaker/Studio stand-in's clock (sessions, presigned URLs, app deletion, profile creation): seconds
        // ahead of real time, 0 = now.
        const offset = (await readJson(req)).offsetSeconds;
        if (typeof offset !== 'number' || !Number.isFinite(offset) || Math.abs(offset) > 10 * 365 * 86_400) {
          throw new ControlInputError('"offsetSeconds" must be a number of seconds (at most ten years either way)');
        }
        deps.aws.clockOffsetSeconds = offset;
        return sendJson(res, 200, { offsetSeconds: offset });
      }
      if (route === 'GET /_local/sns/messages') return sendJson(res, 200, { messages: deps.aws.sns.messages });
      if (route === 'DELETE /_local/sns/messages') {
        deps.aws.sns.messages.length = 0;
        return sendJson(res, 200, {});
      }
      if (route === 'POST /_local/counters/reset') {
        knobs.resetCounters();
        return sendJson(res, 200, {});
      }
      if (route === 'GET /_local/latency') return sendJson(res, 200, knobs.getLatency());
      if (route === 'POST /_local/latency') return sendJson(res, 200, knobs.setLatency(await readJson(req)));
      if (route === 'GET /_local/faults') return sendJson(res, 200, knobs.listFaults());
      if (route === 'POST /_local/faults') return sendJson(res, 200, knobs.addFault(await readJson(req)));
      if (route === 'DELETE /_local/faults') {
        knobs.clearFaults();
        return sendJson(res, 200, {});
      }
      if (route === 'POST /_local/cognito/rotate-keys') {
        const body = await readJson(req);
        return sendJson(res, 200, await deps.cognito.rotateKeys(body.retireOld === true));
      }
      if (route === 'POST /_local/cognito/users:bulk') {
        const body = await readJson(req);
        if (!Array.isArray(body.users)) throw new ControlInputError('"users" must be an array');
        const users = body.users.map((u: unknown, i: number) => {
          const entry = u as Record<string, unknown>;
          try {
            assertUsername(entry.username);
          } catch {
            throw new ControlInputError(`users[${i}].username is not a valid Cognito username`);
          }
          if (typeof entry.password !== 'string' || entry.password === '')
            throw new ControlInputError(`users[${i}].password is required`);
          const groups = entry.groups === undefined ? [] : entry.groups;
          if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string'))
            throw new ControlInputError(`users[${i}].groups must be strings`);
          return {
            username: entry.username as string,
            password: entry.password,
            groups: groups as string[],
            email: typeof entry.email === 'string' ? entry.email : undefined,
          };
        });
        return sendJson(res, 200, { created: deps.cognito.bulkCreateUsers(users), total: deps.cognito.users.size });
      }
      const profiles = /^\/_local\/sagemaker\/domains\/([\w-]+)\/profiles$/.exec(path);
      if (profiles && method === 'GET') {
        const domain = deps.aws.domains.get(profiles[1]);
        if (!domain) return sendJson(res, 404, { message: `unknown domain ${profiles[1]}` });
        return sendJson(res, 200, [...domain.profiles.keys()].sort());
      }
      if (profiles && method === 'POST') {
        // Fixtures (benchmarks): InService profiles at once.
        const domain = deps.aws.domains.get(profiles[1]);
        if (!domain) return sendJson(res, 404, { message: `unknown domain ${profiles[1]}` });
        const body = await readJson(req);
        const names = body.names;
        if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || !NAME_PATTERN.test(n))) {
          throw new ControlInputError('"names" must be an array of user profile names');
        }
        const now = new Date();
        for (const name of names as string[])
          domain.profiles.set(name, { name, status: 'InService', createdAt: now, updatedAt: now });
        return sendJson(res, 200, { created: names.length, total: domain.profiles.size });
      }
      const apps = /^\/_local\/sagemaker\/domains\/([\w-]+)\/apps$/.exec(path);
      if (apps && method === 'POST') {
        // Fixtures (benchmarks): InService apps of existing profiles, as if each had opened them.
        const domain = deps.aws.domains.get(apps[1]);
        if (!domain) return sendJson(res, 404, { message: `unknown domain ${apps[1]}` });
        const list = (await readJson(req)).apps;
        if (!Array.isArray(list)) throw new ControlInputError('"apps" must be an array');
        const now = deps.aws.now();
        for (const [i, entry] of (list as Array<Record<string, unknown>>).entries()) {
          const app = fixtureApp(domain, entry ?? {}, i, now);
          domain.apps.set(appKey(app), app);
        }
        return sendJson(res, 200, { created: list.length, total: domain.apps.size });
      }
      const profile = /^\/_local\/sagemaker\/domains\/([\w-]+)\/profiles\/([\w-]+)$/.exec(path);
      if (profile && method === 'POST') {
        // The controllable clock for profile creation: finish (or fail) a Pending profile now.
        const domain = deps.aws.domains.get(profile[1]);
        const entry = domain?.profiles.get(profile[2]);
        if (!domain || !entry) return sendJson(res, 404, { message: `unknown profile ${profile[2]} in ${profile[1]}` });
        const body = await readJson(req);
        if (!['Pending', 'InService', 'Updating', 'Failed', 'Deleting'].includes(String(body.status)))
          throw new ControlInputError('"status" must be a SageMaker user profile status');
        entry.status = body.status as typeof entry.status;
        entry.inServiceAt = undefined;
        entry.updatedAt = new Date();
        return sendJson(res, 200, { domainId: domain.domainId, userProfileName: entry.name, status: entry.status });
      }
      const domainMatch = /^\/_local\/sagemaker\/domains\/([\w-]+)$/.exec(path);
      if (domainMatch && method === 'POST') {
        const domain = deps.aws.domains.get(domainMatch[1]);
        if (!domain) return sendJson(res, 404, { message: `unknown domain ${domainMatch[1]}` });
        const body = await readJson(req);
        if (body.status !== undefined) {
          if (!['InService', 'Updating', 'Pending', 'Failed', 'Deleting'].includes(String(body.status)))
            throw new ControlInputError('"status" must be a SageMaker domain status');
          domain.status = body.status as typeof domain.status;
        }
        if (body.appNetworkAccessType !== undefined) {
          if (!['VpcOnly', 'PublicInternetOnly'].includes(String(body.appNetworkAccessType)))
            throw new ControlInputError('"appNetworkAccessType" must be VpcOnly or PublicInternetOnly');
          domain.appNetworkAccessType = body.appNetworkAccessType as typeof domain.appNetworkAccessType;
        }
        domain.updatedAt = new Date();
        return sendJson(res, 200, {
          domainId: domain.domainId,
          status: domain.status,
          appNetworkAccessType: domain.appNetworkAccessType,
        });
      }
      sendJson(res, 404, { message: `no control route ${route}` });
    } catch (error) {
      if (error instanceof ControlInputError || error instanceof KnobSpecError || error instanceof CognitoApiError) {
        return sendJson(res, 400, { code: 'input.invalid', message: error.message });
      }
      throw error;
    }
  };
}
