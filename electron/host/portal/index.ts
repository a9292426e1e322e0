import type { PortalHealth } from '../../../shared/contract';

/** The only way the kiosk talks to a provincial portal. Submission and status sync come in issue 4. */
export interface Portal {
  health(): Promise<PortalHealth>;
}
