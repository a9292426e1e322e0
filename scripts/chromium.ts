/**
 * Debian's Chromium, started the way this machine needs it (../shared/reference/test-stack.md):
 * no background networking (the network is closed), no first-run UI.
 * Shared by `npm start` and the browser tests.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The profile (--user-data-dir) is the caller's: Playwright takes it as an option of its own. */
export function chromiumFlags(): string[] {
  return [
    '--no-first-run',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    // Chromium refuses to sandbox itself as root, which is how these machines run.
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  ];
}
