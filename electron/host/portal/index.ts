import type { KeyObject } from 'node:crypto';
import type { DeviceStatus, PortalChanges, PortalDossierStatus, PortalHealth, QueueHealth, Rating, RendererRestart, UpdateStatus } from '../../../shared/contract';
import type { Attachment } from '../../../shared/dossier/dossier';
import type { DossierPackage } from '../../../shared/dossier/portalPackage';
import type { PortalReceipt } from '../../../shared/sync';

/** The kiosk's enrolment with a portal: its id, its device key, and the key the portal signs with. */
export interface PortalIdentity {
  kioskId: string;
  privateKey: KeyObject;
  portalPublicKey: KeyObject;
}

/** The only way the kiosk talks to a provincial portal. Every dossier call is idempotent by UUID. */
export interface Portal {
  health(): Promise<PortalHealth>;
  announce(pkg: DossierPackage, packageSha256: string): Promise<{ state: 'announced' | 'submitted' }>;
  /** Sends one announced attachment by tus; resolves when the portal holds all of it. */
  upload(uuid: string, attachment: Attachment, bytes: Buffer): Promise<void>;
  submit(uuid: string, packageSha256: string): Promise<PortalReceipt>;
  changes(cursor: number): Promise<PortalChanges>;
  heartbeat(report: QueueHealth & { devices: DeviceStatus[]; rendererRestarts: RendererRestart[]; software: { version: string; rolledBack: UpdateStatus['rolledBack'] }; clock: string }): Promise<{ portalTime: string }>;
  ratings(ratings: Rating[]): Promise<{ accepted: number }>;
  /** The public status of any dossier of the province, by UUID, short reference or MaHoSo. */
  lookup(code: string): Promise<PortalDossierStatus>;
  /** The procedure catalogue the province publishes, as its signed text (electron/host/catalogue.ts verifies it). */
  catalogue(): Promise<string>;
  /** The settings the province set for this kiosk, as their signed text (electron/host/provincialSettings.ts verifies them); null when it set none. */
  provincialSettings(): Promise<string | null>;
}
