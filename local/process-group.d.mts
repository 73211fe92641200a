import type { ChildProcess } from 'node:child_process';

export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void;
export function stopGroup(child: ChildProcess, graceMs: number): Promise<void>;
