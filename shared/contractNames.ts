/**
 * The contract's method and event names as plain arrays, so that the sandboxed preload can be
 * built from them without bundling zod. `shared/contract.ts` checks that its tables match.
 */
export const hostMethodNames = ['app.info', 'app.quit', 'app.renderFailed', 'devices.list', 'devices.detect', 'portal.health', 'portal.announce', 'portal.upload', 'portal.submit', 'portal.changes', 'portal.heartbeat', 'portal.ratings', 'portal.lookup', 'vault.keys', 'vault.rotate', 'vault.retire', 'queue.keepCopy', 'queue.copies', 'queue.copy', 'queue.dropCopy', 'cardReader.readChip', 'scanner.scan', 'scanner.cancel', 'documents.digitise', 'documents.cancel', 'documents.declaration', 'printer.print', 'speech.say', 'helper.list', 'helper.signIn', 'helper.signOut', 'helper.record', 'helper.guidance', 'reports.make', 'reports.print', 'sneakernet.export', 'catalogue.current', 'catalogue.version', 'catalogue.update', 'setup.save', 'setup.provisioning', 'settings.change', 'settings.fromProvince', 'update.status', 'update.check', 'update.install', 'setup.detectDevices', 'selfTest.run', 'selfTest.cancel', 'selfTest.print', 'selfTest.save', 'diagnostics.export'] as const;
export const hostEventNames = ['devices.status', 'qr.scanned', 'scanner.page', 'documents.progress'] as const;

export type MethodName = (typeof hostMethodNames)[number];
export type EventName = (typeof hostEventNames)[number];

export const isMethodName = (name: unknown): name is MethodName =>
  (hostMethodNames as readonly unknown[]).includes(name);
export const isEventName = (name: unknown): name is EventName =>
  (hostEventNames as readonly unknown[]).includes(name);

/** IPC channels: one per method and one per event, so the main process can refuse anything else. */
export const callChannel = (method: MethodName) => `kiosk:call:${method}`;
export const eventChannel = (event: EventName) => `kiosk:event:${event}`;
/** The main process's watchdog asks the preload for a painted frame, which answers with the same id (electron/watchdog.ts). */
export const watchdogChannels = { ping: 'kiosk:watchdog:ping', pong: 'kiosk:watchdog:pong' } as const;

/** The web host's transport: calls are POSTed, events arrive on one WebSocket. */
export const webHostPaths = { call: '/host/call/', events: '/host/events' } as const;
/** The web host's calls and replies are frames (shared/frame.ts). */
export const frameContentType = 'application/vnd.dvc-kiosk.frame';
export const webSocketProtocol = 'kiosk-host';
/** Browsers cannot set headers on a WebSocket, so the token travels as a second subprotocol. */
export const tokenProtocolPrefix = 'token.';
