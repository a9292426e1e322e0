import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { vietnamToday } from '../../shared/dossier/formEngine';
import { tempDir, withKiosk } from '../support/kiosk';
import { rawQueueRows } from '../support/queue';
import { poppler } from '../support/testPages';

/**
 * The declaration (tờ khai) the catalogue promises to fill: made by the host from the answers,
 * addressed to the kiosk's commune, put into the draft by renderer/citizen/declaration.ts, and
 * received by the portal as a PDF whose text carries the citizen's words with their diacritics.
 */
const env = withKiosk({ commune: { code: '22651', name: 'Xã Diên Khánh' } }, { harness: true });

const DEATH = '1.000656';
const answers = {
  applicantName: 'Lê Văn Hùng',
  applicantNumber: '056090001234',
  relationship: 'child',
  'deceased.fullName': 'Lê Thị Bảy',
  'deceased.dateOfBirth': '1941-03-08',
  dateOfDeath: '2026-11-20',
  placeOfDeath: 'Tại nhà, thôn Phú Ân Nam 2',
  applicantPhone: '0912345678',
};

async function openHarness() {
  const { page } = env.browser;
  await page.goto(env.kiosk.webHost.url);
  await page.waitForFunction(() => 'queueHarness' in window);
  return page;
}

/** The value of a harness call that must succeed. */
const valueOf = <T>(result: { value: T } | { code: string }): T => {
  if ('code' in result) throw new Error(`failed with ${result.code}`);
  return result.value;
};

/** What pdftotext reads in a PDF, wrapped lines joined. */
async function pdfText(pdf: Buffer): Promise<string> {
  const dir = tempDir('declaration');
  try {
    const file = path.join(dir.dir, 'declaration.pdf');
    writeFileSync(file, pdf);
    return (await poppler('pdftotext', [file, '-'])).normalize('NFC').replace(/\s+/g, ' ');
  } finally {
    dir.remove();
  }
}

test('the host fills a declaration for the commune it serves; a procedure without one, or a bad date, is refused', async () => {
  const page = await openHarness();
  const away = { applicantName: 'Phan Thị Thu Hà', reason: 'Đi làm ăn xa', awayFrom: '2026-12-01' };
  const filled = valueOf(await page.evaluate(([answers]) => window.queueHarness.documents.declaration('1.003677', answers, '2026-11-24'), [away] as const));
  expect(filled.documentType).toBe('declaration');
  const text = await pdfText(Buffer.from(filled.pdf, 'base64'));
  for (const expected of ['ĐỀ NGHỊ KHAI BÁO TẠM VẮNG', 'Kính gửi: Công an xã Diên Khánh', 'Họ và tên của bạn: Phan Thị Thu Hà', 'Bạn đi từ ngày nào: 01/12/2026', 'Vì sao bạn đi vắng: Đi làm ăn xa', 'Diên Khánh, ngày 24 tháng 11 năm 2026']) {
    expect(text).toContain(expected);
  }

  const refused = (code: string, date = '2026-11-24') => page.evaluate(([code, date]) => window.queueHarness.documents.declaration(code, {}, date), [code, date] as const);
  expect(await refused('9.999999')).toEqual({ code: 'declaration.unavailable' });
  // Chứng thực chữ ký asks for no declaration.
  expect(await refused('2.000884')).toEqual({ code: 'declaration.unavailable' });
  expect(await refused(DEATH, '24/11/2026')).toEqual({ code: 'host.badInput' });
});

test('a draft carries one declaration, made from the latest answers, and the portal receives it as the PDF of the citizen\'s words', async () => {
  const page = await openHarness();
  const id = await page.evaluate((code) => window.queueHarness.drafts.start(code), DEATH);
  const draftAttachments = async () => (await rawQueueRows(page)).find(({ row }) => row.id === id)!.row.attachments;

  // Made once with a misspelt name, then again after the citizen corrected it: the second replaces the first.
  const misspelt = { ...answers, applicantName: 'Le Van Hung' };
  valueOf(await page.evaluate(([id, code, answers]) => window.queueHarness.drafts.attachDeclaration(id, code, answers), [id, DEATH, misspelt] as const));
  const [first] = await draftAttachments();
  valueOf(await page.evaluate(([id, answers]) => window.queueHarness.drafts.answer(id, answers), [id, answers] as const));
  valueOf(await page.evaluate(([id, code, answers]) => window.queueHarness.drafts.attachDeclaration(id, code, answers), [id, DEATH, answers] as const));
  const attachments = await draftAttachments();
  expect(attachments).toEqual([expect.objectContaining({ documentType: 'declaration', mediaType: 'application/pdf' })]);
  expect(attachments[0]!.id).not.toBe(first!.id);

  valueOf(await page.evaluate((id) => window.queueHarness.drafts.markReady(id), id));
  valueOf(await page.evaluate((id) => window.queueHarness.drafts.submit(id), id));
  await expect.poll(() => page.evaluate((id) => window.queueHarness.status(id), id), { timeout: 30_000, interval: 300 }).toBe('accepted');

  const received = env.kiosk.portal.store.attachment(id, attachments[0]!.id);
  expect(received?.sha256).toBe(attachments[0]!.sha256);
  expect(env.kiosk.portal.store.attachment(id, first!.id)).toBeUndefined();
  const uploadDir = path.join(env.kiosk.dataDir, 'uploads');
  const pdf = readdirSync(uploadDir)
    .filter((name) => !name.endsWith('.json'))
    .map((name) => readFileSync(path.join(uploadDir, name)))
    .find((bytes) => createHash('sha256').update(bytes).digest('hex') === received!.sha256)!;
  const text = await pdfText(pdf);
  const [year, month, day] = vietnamToday().split('-');
  for (const expected of ['TỜ KHAI ĐĂNG KÝ KHAI TỬ', 'Kính gửi: Ủy ban nhân dân xã Diên Khánh', 'Họ và tên của bạn: Lê Văn Hùng', 'Họ, chữ đệm và tên: Lê Thị Bảy', `Diên Khánh, ngày ${day} tháng ${month} năm ${year}`]) {
    expect(text).toContain(expected);
  }
  expect(text).not.toContain('Le Van Hung');
});

test('a procedure that asks for no declaration gets none', async () => {
  const page = await openHarness();
  const id = await page.evaluate(() => window.queueHarness.drafts.start());
  valueOf(await page.evaluate(([id, answers]) => window.queueHarness.drafts.attachDeclaration(id, '2.000815', answers), [id, answers] as const));
  expect((await rawQueueRows(page)).find(({ row }) => row.id === id)!.row.attachments).toEqual([]);
});
