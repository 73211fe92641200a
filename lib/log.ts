import { redact } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines all carry `fields` (e.g. the request id). */
  child(fields: Record<string, unknown>): Logger;
}

function currentLevel(): LogLevel {
  // Read directly (not via getConfig) so logging works even when configuration is invalid.
  const level = process.env.LOG_LEVEL as LogLevel | undefined;
  return level && level in LEVELS ? level : 'info';
}

function createLogger(base: Record<string, unknown>, write: (line: string) => void): Logger {
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < LEVELS[currentLevel()]) return;
    const line = { time: new Date().toISOString(), level, msg, ...(redact({ ...base, ...fields }) as object) };
    write(JSON.stringify(line));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...base, ...fields }, write),
  };
}

/** Structured JSON lines on stdout; every value passes through `redact`. */
export const log: Logger = createLogger({ service: 'studio-portal' }, (line) => process.stdout.write(line + '\n'));

/** For tests: a logger writing into an array. */
export function createMemoryLogger(lines: string[]): Logger {
  return createLogger({ service: 'studio-portal' }, (line) => lines.push(line));
}
