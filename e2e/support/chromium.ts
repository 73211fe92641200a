/**
 * Debian's Chromium (apt-get install chromium), not a downloaded build, with the flags it needs here:
 * root without a sandbox, a small /dev/shm, no GPU, and none of the background connections that a
 * closed network refuses.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
