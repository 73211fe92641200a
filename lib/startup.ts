import { getConfig } from './config';

/** Parses configuration at server start; on error prints which variables are wrong and exits. */
export function assertConfigOrExit(): void {
  try {
    getConfig();
  } catch (error) {
    console.error(
      JSON.stringify({
        time: new Date().toISOString(),
        level: 'error',
        msg: 'config.invalid',
        error: (error as Error).message,
      }),
    );
    process.exit(1);
  }
}
