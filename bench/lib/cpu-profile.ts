/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and sums self time by function and by package, to say
 * where a process spends its CPU under load.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  byPackage: Array<{ name: string; ms: number; percent: number }>;
  byFunction: Array<{ name: string; ms: number; percent: number }>;
}

/** "next", "@aws-sdk/client-sagemaker", "(node internals)", "(app)" … from a script URL. */
export function packageOf(url: string): string {
  if (!url) return '(native/gc)';
  if (url.startsWith('node:')) return '(node internals)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/g;
  let last: string | undefined;
  for (const match of url.matchAll(m)) last = match[1];
  if (last) {
    // Next.js bundles the app and its dependencies into chunks: keep the compiled/next-server split visible.
    return last;
  }
  if (/\/(server\/chunks|server\/app)\//.test(url)) return '(portal bundle)';
  return '(other)';
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  let idle = 0;
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, micros] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    total += micros;
    if (functionName === '(idle)') {
      idle += micros;
      continue;
    }
    const pkg =
      functionName === '(garbage collector)'
        ? '(garbage collector)'
        : functionName === '(program)'
          ? '(program)'
          : packageOf(url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
    const fn = `${functionName || '(anonymous)'} ${pkg}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(fn, (functions.get(fn) ?? 0) + micros);
  }
  const busy = total - idle;
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({
        name,
        ms: Math.round(micros / 1000),
        percent: Math.round((micros / busy) * 1000) / 10,
      }));
  return {
    totalMs: Math.round(total / 1000),
    idleMs: Math.round(idle / 1000),
    byPackage: rank(packages),
    byFunction: rank(functions),
  };
}
