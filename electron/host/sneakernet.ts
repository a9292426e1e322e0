import { createCipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, sign } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DossierPackage } from '../../shared/dossier/portalPackage';
import { KioskError } from '../../shared/errors';
import { Manifest, MANIFEST_FILE, PackageFile, packageFileName, SEAL_INFO, sealAad, signedBytes, SNEAKERNET_FORMAT, sneakernetFolder, type SealedContent } from '../../shared/sneakernet';
import { writeFileAtomic } from './atomicFile';
import { checkPackageHash } from './portal/http';
import type { PortalIdentity } from './portal/index';
import { sha256Hex } from './sha256';

const signWith = (identity: PortalIdentity, file: PackageFile | Manifest) => sign('sha256', Buffer.from(signedBytes(file)), { key: identity.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64');

/** ECIES to the portal's key (shared/sneakernet.ts PackageFile): only the portal opens it. */
function seal(identity: PortalIdentity, head: Pick<PackageFile, 'kioskId' | 'uuid' | 'packageSha256'>, content: SealedContent): PackageFile['sealed'] {
  const ephemeral = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const secret = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: identity.portalPublicKey });
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.from(head.uuid), SEAL_INFO, 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(sealAad(head)));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(content)), cipher.final(), cipher.getAuthTag()]);
  const { x, y } = createPublicKey(ephemeral.privateKey).export({ format: 'jwk' });
  return { ephemeralPublicKey: { kty: 'EC', crv: 'P-256', x: x!, y: y! }, iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64') };
}

/**
 * The kiosk's side of sneakernet: each unsent dossier sealed for the portal and signed by this
 * kiosk into `DVC-Kiosk/chuyen-tay/<kioskId>/` on every USB drive, and the folder's manifest
 * written again after each, so the stick is complete whenever it is pulled out. Writing the same
 * dossier again replaces its file; the portal imports by UUID, so a dossier also sent online, or
 * carried twice, is stored once.
 */
export function createSneakernet({ identity, usbDrives }: { identity: () => Promise<PortalIdentity>; usbDrives: () => Promise<string[]> }) {
  /**
   * The folder's manifest with this file's entry in place of any earlier one for its dossier. The
   * other entries come from the manifest already there, not from re-reading every package (a stick
   * may hold hundreds of megabytes); one that does not parse is started afresh.
   */
  async function writeManifest(folder: string, kiosk: PortalIdentity, entry: Manifest['dossiers'][number]) {
    const file = path.join(folder, MANIFEST_FILE);
    const before = Manifest.safeParse(await readFile(file, 'utf8').then(JSON.parse, () => null));
    const kept = before.success && before.data.kioskId === kiosk.kioskId ? before.data.dossiers.filter((earlier) => earlier.uuid !== entry.uuid) : [];
    const dossiers = [...kept, entry].sort((a, b) => a.file.localeCompare(b.file));
    const manifest = { format: SNEAKERNET_FORMAT, kioskId: kiosk.kioskId, writtenAt: new Date().toISOString(), dossiers, signature: '' } as const;
    await writeFileAtomic(file, JSON.stringify({ ...manifest, signature: signWith(kiosk, manifest) }), 0o644);
  }

  return {
    /** sneakernet.noDrive without a USB drive; the files written otherwise. */
    async export(pkg: DossierPackage, packageSha256: string, files: ReadonlyArray<{ id: string; bytes: Uint8Array }>): Promise<string[]> {
      checkPackageHash(pkg, packageSha256);
      const bytesOf = new Map(files.map((file) => [file.id, file.bytes]));
      for (const attachment of pkg.attachments) {
        const bytes = bytesOf.get(attachment.id);
        if (!bytes || bytes.length !== attachment.size || sha256Hex(bytes) !== attachment.sha256) throw new KioskError('host.badInput', { field: 'files' });
      }
      const drives = await usbDrives();
      if (drives.length === 0) throw new KioskError('sneakernet.noDrive');
      const kiosk = await identity();
      const head = { kioskId: kiosk.kioskId, uuid: pkg.uuid, packageSha256 };
      const content: SealedContent = { package: pkg, files: Object.fromEntries(pkg.attachments.map(({ id }) => [id, Buffer.from(bytesOf.get(id)!).toString('base64')])) };
      const unsigned = { format: SNEAKERNET_FORMAT, ...head, sealed: seal(kiosk, head, content), signature: '' } as const;
      const text = JSON.stringify({ ...unsigned, signature: signWith(kiosk, unsigned) });
      const written: string[] = [];
      for (const drive of drives) {
        const folder = path.join(drive, ...sneakernetFolder(kiosk.kioskId));
        await mkdir(folder, { recursive: true });
        const file = path.join(folder, packageFileName(pkg.uuid));
        await writeFileAtomic(file, text, 0o644);
        await writeManifest(folder, kiosk, { uuid: pkg.uuid, packageSha256, file: path.basename(file), fileSha256: sha256Hex(text) });
        written.push(file);
      }
      return written;
    },
  };
}
