import { Agent, fetch, type RequestInit, type Response } from 'undici';

/**
 * The kiosk's HTTP connections to the portal, kept alive between calls: on a rural link a new TCP
 * and TLS handshake costs seconds.
 *
 * Keep-alive has one trap. A socket that carried an answer the portal did not sign is not the
 * portal's: a captive portal or a middlebox has it. Such a socket stays open after the link is
 * clear again, and while the kiosk keeps calling more often than the idle timeout, the pool hands
 * every later call to it, so the kiosk never reaches the portal (seen in test/e2e/networkFaults).
 * `discard()` closes every pooled socket, so the next call dials anew.
 */
export interface PortalConnections {
  fetch(url: string | URL, init?: Omit<RequestInit, 'dispatcher'>): Promise<Response>;
  discard(): void;
  /** Closes the pool for good (after a one-off exchange such as enrolment). */
  close(): void;
}

export function createPortalConnections(): PortalConnections {
  let pool = new Agent();
  return {
    fetch: (url, init = {}) => fetch(url, { ...init, dispatcher: pool }),
    discard() {
      const suspect = pool;
      pool = new Agent();
      // Calls still on the old pool fail like on any broken link, and are retried.
      void suspect.destroy().catch(() => undefined);
    },
    close: () => void pool.close().catch(() => undefined),
  };
}
