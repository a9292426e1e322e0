import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server as TusServer } from '@tus/server';
import type { PortalStore } from './store';

/** Header the portal sets (after checking the signature) to tell the tus hooks who is uploading. */
export const KIOSK_HEADER = 'x-reference-portal-kiosk';
/** The largest attachment the reference portal takes. */
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;

class TusRefusal {
  readonly body: string;
  constructor(
    readonly status_code: number,
    error: string,
    extra: Record<string, unknown> = {},
  ) {
    this.body = JSON.stringify({ error, ...extra });
  }
}

/**
 * FileStore's constructor starts an fs.mkdir whose callback throws, uncaught, if the directory is
 * gone by the time it runs (a portal closed and its temp dir removed quickly, as in the tests). We
 * create the directory synchronously instead and skip that call, only in this subclass.
 */
class SyncDirectoryFileStore extends FileStore {}
Object.defineProperty(SyncDirectoryFileStore.prototype, 'checkOrCreateDirectory', { value: () => undefined });

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Deletes what is stored of uploads the store no longer records: the bytes (`<id>`) and tus's
 * record (`<id>.json`). Best-effort: a file left behind only takes space, nothing counts it.
 */
export async function discardUploadFiles(directory: string, uploadIds: readonly string[]): Promise<void> {
  const files = uploadIds.flatMap((id) => [id, `${id}.json`]);
  await Promise.all(files.map((file) => rm(path.join(directory, file), { force: true }).catch(() => undefined)));
}

/**
 * Attachments over tus 1.0 (@tus/server with @tus/file-store). Upload-Metadata carries
 * `dossierUuid`, `attachmentId` and `sha256`; creation is refused unless the attachment was
 * announced by this kiosk with the same sha-256 and size, and a finished upload whose sha-256
 * differs is deleted and refused (422 portal.uploadHashMismatch), so only verified bytes count.
 */
export function createUploads({ store, directory, now }: { store: PortalStore; directory: string; now: () => Date }) {
  mkdirSync(directory, { recursive: true });
  const datastore = new SyncDirectoryFileStore({ directory });
  const tus = new TusServer({
    path: '/v1/uploads',
    datastore,
    maxSize: MAX_ATTACHMENT_BYTES,
    namingFunction: () => randomBytes(16).toString('hex'),
    async onUploadCreate(req, upload) {
      const kioskId = req.headers.get(KIOSK_HEADER) ?? '';
      const meta = upload.metadata ?? {};
      const uuid = (meta.dossierUuid ?? '').toLowerCase();
      const attachmentId = meta.attachmentId ?? '';
      const dossier = store.dossier(uuid);
      if (!dossier || dossier.kioskId !== kioskId) throw new TusRefusal(404, 'portal.notAnnounced');
      const declared = store.attachment(uuid, attachmentId);
      if (!declared) throw new TusRefusal(404, 'portal.attachmentUnknown');
      if (declared.sha256 !== (meta.sha256 ?? '').toLowerCase() || declared.size !== upload.size) {
        throw new TusRefusal(409, 'portal.hashConflict');
      }
      store.recordUploadStart(upload.id, uuid, attachmentId, kioskId, now());
      return {};
    },
    // An upload whose declaration a repair removed has no record any more: refused here too.
    async onIncomingRequest(req, uploadId) {
      if (req.method === 'POST') return;
      const owner = store.upload(uploadId);
      if (!owner || owner.kiosk_id !== req.headers.get(KIOSK_HEADER)) throw new TusRefusal(404, 'portal.uploadUnknown');
    },
    async onUploadFinish(_req, upload) {
      // A repair that removed the declaration took the upload's record with it, before or while
      // the file was hashed: its bytes count for nothing.
      const refuseForgotten = async () => {
        await discardUploadFiles(directory, [upload.id]);
        return new TusRefusal(404, 'portal.uploadUnknown');
      };
      const owner = store.upload(upload.id);
      const declared = owner && store.attachment(owner.dossier_uuid, owner.attachment_id);
      if (!owner || !declared) throw await refuseForgotten();
      const actual = await sha256File(path.join(directory, upload.id));
      if (actual !== declared.sha256) {
        await datastore.remove(upload.id);
        throw new TusRefusal(422, 'portal.uploadHashMismatch', { attachmentId: owner.attachment_id });
      }
      if (!store.markUploaded(upload.id, now())) throw await refuseForgotten();
      return {};
    },
  });
  return tus;
}
