/**
 * Process statistics from /proc (Linux): CPU seconds and resident memory of a process and its
 * descendants, so the bench can say where the CPU went (portal vs stand-ins vs load generator).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

interface StatFields {
  ppid: number;
  utime: number;
  stime: number;
}

function readStat(pid: number): StatFields | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { ppid: Number(rest[1]), utime: Number(rest[11]), stime: Number(rest[12]) };
  } catch {
    return undefined;
  }
}

/** The pid and every descendant that is alive now. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = parents.get(stat.ppid) ?? [];
    list.push(Number(entry));
    parents.set(stat.ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(parents.get(pid) ?? []));
  }
  return out;
}

/** User + system CPU seconds used so far by a process tree (live processes only). */
export function cpuSeconds(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    const stat = readStat(pid);
    if (stat) ticks += stat.utime + stat.stime;
  }
  return ticks / ticksPerSecond();
}

/** Resident set size of one process in bytes (VmRSS), or undefined when it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds of this (the bench) process. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** CPU seconds the whole machine has been busy (all cores, everything but idle and iowait). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [, ...fields] = line.trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal …
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return (user + nice + system + irq + softirq + (steal ?? 0)) / ticksPerSecond();
}

/**
 * Samples CPU of several named process trees over an interval, plus what every other process on the
 * machine used meanwhile (the machine is shared: other work competes for the same cores).
 */
export class CpuMeter {
  private readonly start: Record<string, number> = {};
  private startedAt = 0;

  /** name -> a pid (its process tree), several pids (summed), or 'self' (this process). */
  constructor(private readonly roots: Record<string, number | number[] | 'self'>) {}

  private read(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.roots)) {
      out[name] =
        pid === 'self'
          ? ownCpuSeconds()
          : (Array.isArray(pid) ? pid : [pid]).reduce((sum, p) => sum + cpuSeconds(p), 0);
    }
    out.machine = machineBusySeconds();
    return out;
  }

  begin(): void {
    Object.assign(this.start, this.read());
    this.startedAt = performance.now();
  }

  /** CPU seconds per tree since begin(), and as a share of one core over the wall time. */
  end(): { wallSeconds: number; cpuSeconds: Record<string, number>; coresUsed: Record<string, number> } {
    const now = this.read();
    const wallSeconds = (performance.now() - this.startedAt) / 1000;
    const cpu: Record<string, number> = {};
    const cores: Record<string, number> = {};
    for (const name of Object.keys(now)) {
      cpu[name] = Math.round((now[name] - (this.start[name] ?? 0)) * 100) / 100;
    }
    // Everything else that ran on the machine meanwhile (other people's builds, tests, browsers).
    const ours = Object.keys(this.roots).reduce((sum, name) => sum + cpu[name], 0);
    cpu.others = Math.max(0, Math.round((cpu.machine - ours) * 100) / 100);
    delete cpu.machine;
    for (const name of Object.keys(cpu)) cores[name] = Math.round((cpu[name] / wallSeconds) * 100) / 100;
    return { wallSeconds: Math.round(wallSeconds * 10) / 10, cpuSeconds: cpu, coresUsed: cores };
  }
}
