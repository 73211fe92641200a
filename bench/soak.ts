/**
 * Soak: a fixed launch rate (80 % of the measured maximum) for two minutes; no errors allowed and
 * the portal's resident memory (VmRSS from /proc) may grow by less than 10 %.
 */
import { rssBytes } from './lib/proc';
import { runLoad, type ThroughputRun } from './throughput';

export interface SoakResult {
  rate: number;
  seconds: number;
  run: ThroughputRun;
  rssMiB: { start: number; end: number; max: number; samples: number[] };
  rssGrowthPercent: number;
  targets: { rssGrowthPercentMax: number; errors: number };
  pass: boolean;
}

export interface SoakOptions {
  portalUrl: string;
  token: string;
  user: string;
  rate: number;
  seconds: number;
  connections: number;
  pids: { portal: number; standIns: number };
  log: (message: string) => void;
}

const mib = (bytes: number | undefined) => Math.round(((bytes ?? 0) / 1024 / 1024) * 10) / 10;

export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const url = `${opts.portalUrl}/api/studio/${opts.user}`;
  opts.log(`soak: warm-up at ${opts.rate} launches/s for 10 s`);
  await runLoad({
    url,
    token: opts.token,
    connections: opts.connections,
    seconds: 10,
    overallRate: opts.rate,
    pids: opts.pids,
  });
  const samples: number[] = [mib(rssBytes(opts.pids.portal))];
  const timer = setInterval(() => samples.push(mib(rssBytes(opts.pids.portal))), 5_000);
  opts.log(`soak: ${opts.rate} launches/s for ${opts.seconds} s (portal RSS at start ${samples[0]} MiB)`);
  let run: ThroughputRun;
  try {
    run = await runLoad({
      url,
      token: opts.token,
      connections: opts.connections,
      seconds: opts.seconds,
      overallRate: opts.rate,
      pids: opts.pids,
    });
  } finally {
    clearInterval(timer);
  }
  samples.push(mib(rssBytes(opts.pids.portal)));
  const start = samples[0];
  const end = samples[samples.length - 1];
  const growth = Math.round(((end - start) / start) * 1000) / 10;
  const targets = { rssGrowthPercentMax: 10, errors: 0 };
  return {
    rate: opts.rate,
    seconds: opts.seconds,
    run,
    rssMiB: { start, end, max: Math.max(...samples), samples },
    rssGrowthPercent: growth,
    targets,
    pass: run.errors === 0 && growth < targets.rssGrowthPercentMax,
  };
}
