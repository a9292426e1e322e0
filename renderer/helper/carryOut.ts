import { host } from '../host';
import { markCarried } from '../queue/care';
import { createOutbox } from '../queue/outbox';
import { recordHelperAction } from './helperSession';

/**
 * Writes every dossier waiting to be sent to the USB stick, sealed for the portal and signed by the
 * kiosk (electron/host/sneakernet.ts), one at a time so only one dossier's pages are open at once.
 * They stay queued: the link may come back first, and the portal stores a dossier once whichever
 * way it arrives. Answers how many were written.
 */
export async function carryUnsentToUsb(token: string): Promise<number> {
  let carried = 0;
  for (const item of await createOutbox().pending()) {
    const pages = await item.openPages(item.attachments.map(({ id }) => id));
    await host().call('sneakernet.export', {
      token,
      package: item.package,
      packageSha256: item.packageSha256,
      files: item.attachments.map(({ id }, i) => ({ id, bytes: pages[i]! })),
    });
    await markCarried(item.id);
    await recordHelperAction('dossier.exported', { dossier: item.id });
    carried += 1;
  }
  return carried;
}
