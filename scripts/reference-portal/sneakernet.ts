import { createDecipheriv, diffieHellman, hkdfSync, randomBytes, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../../shared/dossier/portalPackage';
import { Manifest, MANIFEST_FILE, PackageFile, SEAL_INFO, sealAad, SealedContent, signedBytes } from '../../shared/sneakernet';
import { importPublicKeyJwk } from '../../electron/host/portal/signing';
import type { PortalStore } from './store';
import { discardUploadFiles } from './uploads';
import { sha256Hex } from '../../electron/host/sha256';


export interface SneakernetImport {
  /** Stored and submitted now, with the MaHoSo each was given. */
  imported: Array<{ uuid: string; maHoSo: string }>;
  /** Already here (sent online, or carried before): left as they were. */
  already: string[];
  /** Files refused, with why; nothing of them was stored. */
  refused: Array<{ file: string; reason: string }>;
}

function unseal(file: PackageFile, portalKey: KeyObject): SealedContent {
  const { ephemeralPublicKey, iv, ciphertext } = file.sealed;
  const secret = diffieHellman({ privateKey: portalKey, publicKey: importPublicKeyJwk(ephemeralPublicKey) });
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.from(file.uuid), SEAL_INFO, 32));
  const sealed = Buffer.from(ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64')).setAAD(Buffer.from(sealAad(file)));
  decipher.setAuthTag(sealed.subarray(-16));
  return SealedContent.parse(JSON.parse(Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]).toString('utf8')));
}

const signedBy = (file: PackageFile | Manifest, publicKeyJwk: string) =>
  verify('sha256', Buffer.from(signedBytes(file)), { key: importPublicKeyJwk(JSON.parse(publicKeyJwk) as JsonWebKey), dsaEncoding: 'ieee-p1363' }, Buffer.from(file.signature, 'base64'));

/**
 * Imports one kiosk's folder from a USB stick (`DVC-Kiosk/chuyen-tay/<kioskId>/`): the manifest
 * must be signed by that enrolled kiosk, each file must match the manifest's hash, carry the
 * kiosk's signature, open with the portal's key and hold the bytes it declares. A good dossier is
 * announced, its attachments stored as if uploaded, and submitted: the same records as online, so
 * a dossier already here is left alone and the kiosk's next announce hears it is submitted.
 */
export async function importSneakernet({ store, uploadDir, portalKey, now }: { store: PortalStore; uploadDir: string; portalKey: KeyObject; now: () => Date }, folder: string): Promise<SneakernetImport> {
  const result: SneakernetImport = { imported: [], already: [], refused: [] };
  const manifest = Manifest.parse(JSON.parse(await readFile(path.join(folder, MANIFEST_FILE), 'utf8')));
  const kiosk = store.kiosk(manifest.kioskId);
  if (!kiosk || !signedBy(manifest, kiosk.publicKeyJwk)) {
    return { ...result, refused: [{ file: MANIFEST_FILE, reason: 'not signed by an enrolled kiosk' }] };
  }
  for (const entry of manifest.dossiers) {
    const refuse = (reason: string) => result.refused.push({ file: entry.file, reason });
    const text = await readFile(path.join(folder, path.basename(entry.file)), 'utf8').catch(() => null);
    if (text === null || sha256Hex(text) !== entry.fileSha256) {
      refuse('missing, or not the file the manifest lists');
      continue;
    }
    const parsed = PackageFile.safeParse(JSON.parse(text));
    if (!parsed.success || parsed.data.kioskId !== kiosk.kioskId || parsed.data.uuid !== entry.uuid || !signedBy(parsed.data, kiosk.publicKeyJwk)) {
      refuse('not a package signed by this kiosk');
      continue;
    }
    const file = parsed.data;
    let content: SealedContent;
    try {
      content = unseal(file, portalKey);
    } catch {
      refuse('does not open with the portal key');
      continue;
    }
    const { package: pkg, files } = content;
    const bytesOf = (id: string) => Buffer.from(files[id] ?? '', 'base64');
    if (pkg.uuid !== file.uuid || sha256Hex(canonicalJson(pkg)) !== file.packageSha256 || pkg.attachments.some((a) => sha256Hex(bytesOf(a.id)) !== a.sha256 || bytesOf(a.id).length !== a.size)) {
      refuse('its content does not match its hashes');
      continue;
    }
    const uuid = file.uuid.toLowerCase();
    const announced = store.announce(
      uuid,
      kiosk.kioskId,
      { packageSha256: file.packageSha256, revision: pkg.revision ?? 0, metadata: pkg.metadata, attachments: pkg.attachments },
      now(),
    );
    if (announced.kind === 'conflict') {
      refuse('the portal holds this dossier with other content');
      continue;
    }
    if (announced.kind === 'same' && announced.maHoSo) {
      result.already.push(uuid);
      continue;
    }
    if (announced.kind === 'revised') await discardUploadFiles(uploadDir, announced.discardedUploads);
    // Stored the way a finished tus upload is: a file named by its upload id, recorded, verified.
    for (const attachment of pkg.attachments) {
      if (store.attachment(uuid, attachment.id)?.uploaded_at) continue;
      const uploadId = randomBytes(16).toString('hex');
      await writeFile(path.join(uploadDir, uploadId), bytesOf(attachment.id));
      store.recordUploadStart(uploadId, uuid, attachment.id, kiosk.kioskId, now());
      store.markUploaded(uploadId, now());
    }
    const submitted = store.submit(uuid, kiosk.kioskId, file.packageSha256, kiosk.commune.code, now());
    if (submitted.kind === 'created' || submitted.kind === 'replay') result.imported.push({ uuid, maHoSo: submitted.maHoSo });
    else refuse(`not submitted: ${submitted.kind}`);
  }
  return result;
}
