/**
 * Warm launch latency and AWS round trips: the portal's API vs the reference-equivalent baseline,
 * same client, concurrency 1, requests interleaved (portal, baseline, portal, ...) so drift and
 * noise from the shared machine hit both flows alike.
 */
import type { control } from '../local/stack';
import { createKeepAliveAgent, timedGet, type TimedResponse } from './lib/http-client';
import { ratio, summarize, type LatencySummary } from './lib/stats';

type Control = ReturnType<typeof control>;

export const DEFAULT_LATENCY = { dynamodb: 5, sts: 30, sagemaker: 60, cognito: 0, studio: 0 };

/** A call the stand-ins saw: start (epoch ms) and the latency they injected into it. */
export interface CallRecord {
  op: string;
  at: number;
  latencyMs: number;
}

/**
 * The longest chain of AWS calls each of which started only after the previous one had ended (start +
 * injected latency): how many round trips the user waits for one after another. Concurrent calls
 * (started while another runs) do not lengthen it.
 */
export function sequentialDepth(calls: CallRecord[]): number {
  const sorted = [...calls].sort((a, b) => a.at - b.at);
  const depth: number[] = [];
  sorted.forEach((call, i) => {
    let best = 0;
    for (let j = 0; j < i; j++) if (sorted[j].at + sorted[j].latencyMs <= call.at) best = Math.max(best, depth[j]);
    depth[i] = best + 1;
  });
  return Math.max(0, ...depth);
}

const epochNow = () => performance.timeOrigin + performance.now();

export interface CallCounts {
  launches: number;
  /** AWS calls per launch by operation (cognito.* are the stand-in's JWKS/IdP requests, not AWS calls). */
  perLaunch: Record<string, number>;
  /** AWS calls per launch before the response (what the user waits for). */
  inPathPerLaunch: number;
  /** All AWS calls per launch, including work after the response (the audit write). */
  totalPerLaunch: number;
  /** AWS calls made one after another before the response: the median launch (the target applies to it)... */
  sequentialBeforeResponse: number;
  /** ...and the most in any counted launch (a LOB-row refresh every LOB_CACHE_SECONDS adds one GetItem). */
  sequentialMax: number;
}

export interface FlowResult {
  latency: LatencySummary;
  failures: number;
  firstFailure?: string;
  /** Calls made by the very first launch after start (cold: JWKS, AssumeRole, LOB row). */
  coldCalls: Record<string, number>;
  warmCalls: CallCounts;
}

/** First launches of users the portal has not seen (their AssumeRole included), interleaved across flows. */
export interface FirstLaunchResult {
  users: number;
  portal: { latency: LatencySummary; failures: number; sequentialBeforeResponse: number };
  portalLambda?: { latency: LatencySummary; failures: number; sequentialBeforeResponse: number };
  baseline: { latency: LatencySummary; failures: number; sequentialBeforeResponse: number };
  ratioP50: number;
  lambdaRatioP50?: number;
}

export interface LatencyResult {
  injectedLatencyMs: typeof DEFAULT_LATENCY;
  samplesPerFlow: number;
  warmupPerFlow: number;
  /** Our portal as a long-running server (default AUDIT_WRITE=after-response). */
  portal: FlowResult;
  /** Our portal as deployed to Lambda (AUDIT_WRITE=before-response: the audit write is on the path). */
  portalLambda?: FlowResult;
  baseline: FlowResult;
  ratioP50: number;
  ratioP95: number;
  lambdaRatioP50?: number;
  lambdaRatioP95?: number;
  firstLaunch?: FirstLaunchResult;
  targets: { ratioMax: number; awsCallsPerWarmLaunchMax: number; lambdaRatioGapMax: number };
  pass: { ratio: boolean; calls: boolean; lambda: boolean };
}

export interface LatencyOptions {
  portalUrl: string;
  /** A second portal with AUDIT_WRITE=before-response (the Lambda configuration), if measured. */
  portalLambdaUrl?: string;
  baselineUrl: string;
  control: Control;
  token: string;
  user: string;
  samples: number;
  warmup: number;
  countLaunches: number;
  latency?: Partial<typeof DEFAULT_LATENCY>;
  /** Fresh users (mapped to lob-a, with a profile, never launched) for the first-launch flow. */
  firstUsers?: Array<{ username: string; token: string }>;
  log: (message: string) => void;
}

// Cognito's JSON API (AdminGetUser, GetUser: the identity re-check) is AWS; its JWKS / OIDC endpoints
// (lower-case names: jwks, discovery, userinfo) and the Studio web app are not.
const isAwsCall = (op: string) => (op.startsWith('cognito.') ? /^cognito\.[A-Z]/.test(op) : !op.startsWith('studio.'));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A launch succeeded when it redirected to a Studio host. */
function checkLaunch(res: TimedResponse): string | undefined {
  if (res.status !== 302) return `HTTP ${res.status} ${res.body.slice(0, 200)}`;
  if (!res.location || !/\.studio\./.test(new URL(res.location).hostname))
    return '302 to something that is not a Studio URL';
  return undefined;
}

/** One launch with the stand-ins' call timeline: AWS calls before the response, and how many in a row. */
async function tracedLaunch(
  opts: LatencyOptions,
  url: string,
  token: string,
  agent?: ReturnType<typeof createKeepAliveAgent>,
) {
  await opts.control.resetCounters();
  const res = await timedGet(url, { authorization: `Bearer ${token}` }, agent);
  const respondedAt = epochNow();
  const problem = checkLaunch(res);
  if (problem) throw new Error(`launch failed while tracing ${url}: ${problem}`);
  // Let after-response work (the audit write) land: counted, but not before the response.
  await pause(100);
  const calls = (await opts.control.getCalls()).filter((c) => isAwsCall(c.op));
  const before = calls.filter((c) => c.at < respondedAt);
  return { res, calls, before, sequential: sequentialDepth(before) };
}

async function countCalls(opts: LatencyOptions, url: string, launches: number): Promise<CallCounts> {
  const agent = createKeepAliveAgent();
  const totals: Record<string, number> = {};
  let inPath = 0;
  let total = 0;
  const depths: number[] = [];
  for (let i = 0; i < launches; i++) {
    const traced = await tracedLaunch(opts, url, opts.token, agent);
    for (const call of traced.calls) totals[call.op] = (totals[call.op] ?? 0) + 1;
    inPath += traced.before.length;
    total += traced.calls.length;
    depths.push(traced.sequential);
  }
  depths.sort((a, b) => a - b);
  agent.destroy();
  const round = (n: number) => Math.round((n / launches) * 100) / 100;
  return {
    launches,
    perLaunch: Object.fromEntries(
      Object.entries(totals)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([op, n]) => [op, round(n)]),
    ),
    inPathPerLaunch: round(inPath),
    totalPerLaunch: round(total),
    sequentialBeforeResponse: depths[Math.floor(depths.length / 2)] ?? 0,
    sequentialMax: depths[depths.length - 1] ?? 0,
  };
}

/** First launches of fresh users, interleaved across flows; every launch traced for sequential calls. */
async function measureFirstLaunches(
  opts: LatencyOptions,
  urls: Partial<Record<Flow, string>>,
): Promise<FirstLaunchResult> {
  const users = opts.firstUsers ?? [];
  const flows = Object.keys(urls) as Flow[];
  const times = Object.fromEntries(flows.map((f) => [f, [] as number[]])) as Record<Flow, number[]>;
  const failures = Object.fromEntries(flows.map((f) => [f, 0])) as Record<Flow, number>;
  const sequential = Object.fromEntries(flows.map((f) => [f, 0])) as Record<Flow, number>;
  for (const [i, user] of users.entries()) {
    const order = flows.map((_, k) => flows[(i + k) % flows.length]);
    for (const flow of order) {
      const url = urls[flow]!.replace(/\/api\/studio\/[^/?]+/, `/api/studio/${user.username}`);
      try {
        const traced = await tracedLaunch(opts, url, user.token);
        times[flow].push(traced.res.ms);
        sequential[flow] = Math.max(sequential[flow], traced.sequential);
      } catch {
        failures[flow] += 1;
      }
    }
  }
  const result = (flow: Flow) => ({
    latency: summarize(times[flow]),
    failures: failures[flow],
    sequentialBeforeResponse: sequential[flow],
  });
  const portal = result('portal');
  const baseline = result('baseline');
  const portalLambda = urls.portalLambda ? result('portalLambda') : undefined;
  return {
    users: users.length,
    portal,
    portalLambda,
    baseline,
    ratioP50: ratio(portal.latency.p50Ms, baseline.latency.p50Ms),
    ...(portalLambda ? { lambdaRatioP50: ratio(portalLambda.latency.p50Ms, baseline.latency.p50Ms) } : {}),
  };
}

async function coldCalls(opts: LatencyOptions, url: string): Promise<Record<string, number>> {
  await opts.control.resetCounters();
  const res = await timedGet(url, { authorization: `Bearer ${opts.token}` });
  const problem = checkLaunch(res);
  if (problem) throw new Error(`first launch against ${url} failed: ${problem}`);
  await pause(500);
  return opts.control.getCounters();
}

type Flow = 'portal' | 'portalLambda' | 'baseline';

export async function runLatency(opts: LatencyOptions): Promise<LatencyResult> {
  const injected = { ...DEFAULT_LATENCY, ...opts.latency };
  await opts.control.setLatency(injected);
  const urls: Partial<Record<Flow, string>> = {
    portal: `${opts.portalUrl}/api/studio/${opts.user}`,
    ...(opts.portalLambdaUrl ? { portalLambda: `${opts.portalLambdaUrl}/api/studio/${opts.user}` } : {}),
    baseline: `${opts.baselineUrl}/api/studio/${opts.user}`,
  };
  const flows = Object.keys(urls) as Flow[];
  const headers = { authorization: `Bearer ${opts.token}` };

  opts.log('latency: cold launch of each flow (call counts)');
  const cold: Partial<Record<Flow, Record<string, number>>> = {};
  for (const flow of flows) cold[flow] = await coldCalls(opts, urls[flow]!);

  opts.log(`latency: warm-up (${opts.warmup} launches per flow)`);
  const agents = Object.fromEntries(flows.map((f) => [f, createKeepAliveAgent()])) as Record<
    Flow,
    ReturnType<typeof createKeepAliveAgent>
  >;
  for (let i = 0; i < opts.warmup; i++) for (const flow of flows) await timedGet(urls[flow]!, headers, agents[flow]);

  opts.log(`latency: AWS calls per warm launch (${opts.countLaunches} launches per flow, counters reset between)`);
  const warm: Partial<Record<Flow, CallCounts>> = {};
  for (const flow of flows) warm[flow] = await countCalls(opts, urls[flow]!, opts.countLaunches);

  opts.log(`latency: ${opts.samples} timed launches per flow, interleaved`);
  const times = Object.fromEntries(flows.map((f) => [f, [] as number[]])) as Record<Flow, number[]>;
  const failures = Object.fromEntries(flows.map((f) => [f, 0])) as Record<Flow, number>;
  const firstFailure: Partial<Record<Flow, string>> = {};
  for (let i = 0; i < opts.samples; i++) {
    // Rotate who goes first so no flow always follows another.
    const order = flows.map((_, k) => flows[(i + k) % flows.length]);
    for (const flow of order) {
      const res = await timedGet(urls[flow]!, headers, agents[flow]);
      const problem = checkLaunch(res);
      if (problem) {
        failures[flow] += 1;
        firstFailure[flow] ??= problem;
      } else times[flow].push(res.ms);
    }
  }
  for (const agent of Object.values(agents)) agent.destroy();

  let firstLaunch: FirstLaunchResult | undefined;
  if (opts.firstUsers?.length) {
    opts.log(
      `latency: first launches of ${opts.firstUsers.length} fresh users per flow (AssumeRole included), interleaved`,
    );
    firstLaunch = await measureFirstLaunches(opts, urls);
  }

  const result = (flow: Flow): FlowResult => ({
    latency: summarize(times[flow]),
    failures: failures[flow],
    firstFailure: firstFailure[flow],
    coldCalls: cold[flow]!,
    warmCalls: warm[flow]!,
  });
  const portal = result('portal');
  const baseline = result('baseline');
  const portalLambda = urls.portalLambda ? result('portalLambda') : undefined;
  const ratioP50 = ratio(portal.latency.p50Ms, baseline.latency.p50Ms);
  const ratioP95 = ratio(portal.latency.p95Ms, baseline.latency.p95Ms);
  const targets = { ratioMax: 0.45, awsCallsPerWarmLaunchMax: 2, lambdaRatioGapMax: 0.02 };
  const lambdaRatioP50 = portalLambda ? ratio(portalLambda.latency.p50Ms, baseline.latency.p50Ms) : undefined;
  const warmFlows = [portal, ...(portalLambda ? [portalLambda] : [])];
  return {
    injectedLatencyMs: injected,
    samplesPerFlow: opts.samples,
    warmupPerFlow: opts.warmup,
    portal,
    portalLambda,
    baseline,
    ratioP50,
    ratioP95,
    ...(portalLambda
      ? { lambdaRatioP50, lambdaRatioP95: ratio(portalLambda.latency.p95Ms, baseline.latency.p95Ms) }
      : {}),
    firstLaunch,
    targets,
    pass: {
      ratio: ratioP50 <= targets.ratioMax && ratioP95 <= targets.ratioMax,
      // A returning user's launch: at most 2 AWS calls one after another before the response, in every configuration.
      calls: warmFlows.every((f) => f.warmCalls.sequentialBeforeResponse <= targets.awsCallsPerWarmLaunchMax),
      lambda:
        lambdaRatioP50 === undefined ||
        (lambdaRatioP50 <= targets.ratioMax && Math.abs(lambdaRatioP50 - ratioP50) <= targets.lambdaRatioGapMax + 1e-9),
    },
  };
}
