import { z } from 'zod';
import { shortReference } from './dossier/dossier';
import { AT_COUNTER } from './dossier/formEngine';
import { createT, type Translate } from './i18n/index';

/** A document the kiosk made itself from the answers, such as the declaration (tờ khai). */
export const FILLED_BY_KIOSK = 'filledByKiosk';

/**
 * The citizen's "giấy biên nhận hồ sơ": what the kiosk took, for which procedure, what it costs and
 * when the result is due. Stage 1 is printed as soon as the dossier is saved; stage 2 once the
 * portal has given its dossier code (MaHoSo), which is what the commune office looks it up by.
 */
export const ReceiptData = z.object({
  dossierId: z.uuid(),
  procedure: z.object({ code: z.string().min(1), name: z.string().min(1) }),
  /**
   * Every document handed in or scanned: its scanned pages; 0 when only shown, not kept; AT_COUNTER
   * when the citizen chose to hand the paper in at the counter, which is kept but not yet counted;
   * FILLED_BY_KIOSK for the declaration the kiosk filled from the answers.
   */
  documents: z.array(z.object({ name: z.string().min(1), pages: z.union([z.number().int().nonnegative(), z.literal(AT_COUNTER), z.literal(FILLED_BY_KIOSK)]) })),
  /** In đồng; null when the province sets the fee and the officer tells it. */
  feeVnd: z.number().int().nonnegative().nullable(),
  /** yyyy-mm-dd, or null when the officer must set it (verification needed). */
  expectedResultDate: z.iso.date().nullable(),
  /** How the result reaches the citizen: the one-stop counter, by post, or an electronic copy. */
  delivery: z.enum(['atOffice', 'post', 'electronic']),
  kiosk: z.object({ name: z.string().min(1), commune: z.string().min(1) }),
  receivedAt: z.iso.datetime({ offset: true }),
  portal: z.object({ maHoSo: z.string().min(1), receivedAt: z.iso.datetime({ offset: true }) }).nullable(),
});
export type ReceiptData = z.infer<typeof ReceiptData>;

/**
 * What the receipt's QR code says: a URL-like text the helper's queue and a later status screen
 * read back. Only the dossier's UUID, no personal data, so a lost receipt reveals nothing.
 */
export const RECEIPT_QR_SCHEME = 'DVC:';
export const receiptQrText = (dossierId: string): string => `${RECEIPT_QR_SCHEME}${dossierId}`;

/** The dossier UUID in a receipt QR text, or null when the text is not one of ours. */
export function parseReceiptQr(text: string): string | null {
  if (!text.startsWith(RECEIPT_QR_SCHEME)) return null;
  const id = text.slice(RECEIPT_QR_SCHEME.length);
  return z.uuid().safeParse(id).success ? id : null;
}

/** "50.000 đồng": Vietnamese groups thousands with dots (TCVN 6909 / usage in fee schedules). */
export const formatVndText = (amount: number): string => `${new Intl.NumberFormat('vi-VN').format(amount)} đồng`;

const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** dd/mm/yyyy HH:mm in Vietnam's time zone, whatever the kiosk's clock zone. */
export function formatVietnamDateTime(iso: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: VIETNAM_TIME_ZONE,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

/** yyyy-mm-dd → dd/mm/yyyy, the way Vietnamese documents write dates. */
export const formatVietnamDate = (isoDate: string): string => isoDate.split('-').reverse().join('/');

/** Wide enough for "24/11/2026 11:50" and "50.000 đồng", narrow enough for a label beside on 58 mm (32 characters). */
const VALUE_COLUMN = 16;
/** "nộp tại quầy", "máy tự điền", "xuất trình", "12 trang". */
const PAGES_COLUMN = 12;

/** The receipt's words come from the shared catalogue; receipts print in Vietnamese unless asked otherwise. */
const vietnamese = createT('vi');

export function feeText(feeVnd: number | null, t: Translate = vietnamese): string {
  if (feeVnd === null) return t('receipt.officerWillSay');
  return feeVnd === 0 ? t('receipt.noFee') : formatVndText(feeVnd);
}
export function pagesText(pages: ReceiptData['documents'][number]['pages'], t: Translate = vietnamese): string {
  if (pages === AT_COUNTER) return t('receipt.atCounter');
  if (pages === FILLED_BY_KIOSK) return t('receipt.filledByKiosk');
  return pages > 0 ? t('receipt.pages', { count: pages }) : t('receipt.shown');
}
export const dueDateText = (isoDate: string | null, t: Translate = vietnamese): string => (isoDate ? formatVietnamDate(isoDate) : t('receipt.officerWillSay'));

/**
 * Citizen-typed text must not be read as receiptline markup: `|` splits columns, `{}` open
 * properties, `_"\`^~` decorate, and a line of only `-` or `=` would rule or cut the paper.
 */
export function escapeReceiptText(text: string): string {
  return text.normalize('NFC').replace(/[\\|{}_"`^~\-=]/g, (char) => `\\${char}`).replace(/[\r\n]+/g, ' ');
}

/**
 * Property values (the QR payload) have their own list of special characters; `:` has no escape
 * of its own there, so it goes as the hex escape `\x3a`.
 */
export const escapeReceiptProperty = (text: string): string =>
  text.replace(/[\\|{};]/g, (char) => `\\${char}`).replaceAll(':', '\\x3a');

/**
 * The receipt as receiptline markup (https://github.com/receiptline/receiptline, "Grammar"): the
 * same text drives the thermal printer (ESC/POS or raster) and an on-screen SVG preview.
 */
export function receiptMarkup(receipt: ReceiptData, t: Translate = vietnamese): string {
  const esc = escapeReceiptText;
  const documents = receipt.documents.map((document) => `${esc(document.name)} | ${pagesText(document.pages, t)}`);
  const stage = receipt.portal
    ? [
        `"${esc(t('receipt.stageAccepted'))}`,
        `${esc(t('receipt.portalCode'))}:`,
        `^^"${esc(receipt.portal.maHoSo)}`,
        `${esc(t('receipt.portalReceivedAt'))} ${formatVietnamDateTime(receipt.portal.receivedAt)}`,
      ]
    : [`"${esc(t('receipt.stageReceived'))}`];
  // Fixed value columns, not `auto`: receiptline splits `auto` evenly, which breaks labels on 58 mm.
  return [
    '{width:*}',
    esc(receipt.kiosk.commune),
    esc(receipt.kiosk.name),
    '',
    `^^"${esc(t('receipt.title'))}`,
    '',
    `{width:*,${VALUE_COLUMN}}`,
    `${esc(t('receipt.reference'))}: | ^^"${esc(shortReference(receipt.dossierId))}`,
    `${esc(t('receipt.receivedAt'))}: | ${formatVietnamDateTime(receipt.receivedAt)}`,
    '-',
    '{width:*}',
    `"${esc(receipt.procedure.name)}`,
    esc(t('receipt.procedureCode', { code: receipt.procedure.code })),
    '-',
    `{width:*,${PAGES_COLUMN}}`,
    `|${esc(t('receipt.documents'))}:`,
    ...documents,
    '-',
    `{width:*,${VALUE_COLUMN}}`,
    `${esc(t('receipt.fee'))}: | ^^"${esc(feeText(receipt.feeVnd, t))}`,
    `${esc(t('receipt.dueDate'))}: | ${esc(dueDateText(receipt.expectedResultDate, t))}`,
    `${esc(t('receipt.delivery'))}: | ${esc(t(`receipt.delivery.${receipt.delivery}`))}`,
    '-',
    '{width:*}',
    ...stage,
    '',
    `{code:${escapeReceiptProperty(receiptQrText(receipt.dossierId))};option:qrcode,6,m}`,
    esc(t('receipt.scanToCheck')),
    '=',
  ].join('\n');
}
