import { z } from 'zod';
import { shortReference, type Dossier } from './dossier';
import type { Procedure } from './procedures';
import { RESULT_DELIVERY_STEP, resultDelivery } from './resultDelivery';

/**
 * What the kiosk sends the portal for one dossier, in the national portal's vocabulary
 * (`DongBoHoSoMC` field names, domain notes facts.md §4.2), so that an adapter for a real
 * provincial one-stop system is a mapping, not a redesign. The kiosk never invents `MaHoSo`: the
 * portal issues it on submit.
 */
export const PackageAttachment = z.strictObject({
  id: z.string(),
  documentType: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
});

export const DossierPackage = z.strictObject({
  uuid: z.uuid(),
  /**
   * Absent as the citizen submitted it; n after a helper's n-th repair (renderer/queue/repair.ts).
   * The portal takes a changed package under the same UUID only with a higher revision, and only
   * before it was submitted (docs/portal-protocol.md "Repairs"). Left out at 0, so the hash of a
   * dossier never repaired is what it was before repairs existed.
   */
  revision: z.number().int().positive().optional(),
  metadata: z.record(z.string(), z.unknown()),
  attachments: z.array(PackageAttachment),
});
export type DossierPackage = z.infer<typeof DossierPackage>;

/** KenhThucHien 2 = trực tuyến; LoaiDoiTuong 1 = công dân; HinhThuc 0 = nhận tại cơ quan, 1 = qua bưu chính (facts.md §4.2). */
const ONLINE = 2;
const CITIZEN = 1;
const AT_OFFICE = 0;
const BY_POST = 1;
/** DanhSachLePhi: HinhThucThu 1 = khi tiếp nhận; LoaiPhiLePhi 1 = thông thường. */
const ON_RECEIPT = 1;
const ORDINARY_FEE = 1;

export function dossierPackage(dossier: Dossier, procedure: Procedure | undefined): DossierPackage {
  const text = (id: string) => (typeof dossier.answers[id] === 'string' ? (dossier.answers[id] as string) : null);
  const procedureName = procedure?.name.vi ?? dossier.procedureCode;
  const applicant = text('applicantName');
  return {
    uuid: dossier.id,
    ...(dossier.revision ? { revision: dossier.revision } : {}),
    metadata: {
      MaTTHC: dossier.procedureCode,
      TenTTHC: procedureName,
      ChuHoSo: applicant,
      SoGiayToChuHoSo: text('applicantNumber'),
      LoaiDoiTuong: CITIZEN,
      SoDienThoai: text('applicantPhone'),
      KenhThucHien: ONLINE,
      // An electronic result has no code of its own; its choice travels in the answers.
      HinhThuc: (procedure ? resultDelivery(procedure, dossier.answers) : dossier.answers[RESULT_DELIVERY_STEP]) === 'post' ? BY_POST : AT_OFFICE,
      TrichYeuHoSo: applicant ? `${procedureName} – ${applicant}` : procedureName,
      NgayNopHoSo: dossier.createdAt,
      DanhSachLePhi: dossier.feeVnd
        ? [{ TenPhiLePhi: `Lệ phí ${procedureName}`, Gia: dossier.feeVnd, HinhThucThu: ON_RECEIPT, LoaiPhiLePhi: ORDINARY_FEE }]
        : [],
      catalogueVersion: dossier.catalogueVersion,
      kioskReference: shortReference(dossier.id),
      answers: dossier.answers,
    },
    attachments: dossier.attachments.map(({ id, documentType, sha256, size }) => ({ id, documentType, sha256, size })),
  };
}

/**
 * JSON with object keys sorted at every level: the same dossier always gives the same bytes, so its
 * sha-256 (the package hash the portal keeps with the UUID) is the same on every resend.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
