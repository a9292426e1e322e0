import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { auditScreen, type ScreenAudit } from '../support/a11y';
import { CARD_QR } from '../support/journey';
import { root, withKiosk } from '../support/kiosk';
import { rawQueueRows } from '../support/queue';

/**
 * A mother registers her baby's birth (1.001193) on the real screens, every one audited and kept as
 * a screenshot (test/artifacts/screens/birth-NN-<screen>.png) to look at: a procedure with a
 * declaration the kiosk fills, a paper to scan, a free fee and the result by post, so the journey
 * skips the fee screen and asks for the post address, which the card prefills.
 */
const env = withKiosk({ commune: { code: '22651', name: 'Xã Diên Khánh' }, devices: { documentScanner: { driver: 'simulator', pageDelayMs: 20, adfPages: 1, seed: 0 } } });
const screensDir = path.join(root, 'test/artifacts/screens');

test('a birth registered by post: the kiosk fills the declaration, the portal receives it with the scan and HinhThuc 1, and no screen has an accessibility problem', async () => {
  const { page } = env.browser;
  mkdirSync(screensDir, { recursive: true });
  const audits: Record<string, ScreenAudit> = {};
  const heading = page.getByRole('heading', { level: 1 });
  /** Waits for the screen's heading, audits it and keeps its picture. */
  const at = async (name: string, title: string | RegExp) => {
    await heading.filter({ hasText: title }).waitFor();
    audits[name] = await auditScreen(page);
    const number = String(Object.keys(audits).length).padStart(2, '0');
    await page.screenshot({ path: path.join(screensDir, `birth-${number}-${name}.png`), fullPage: true });
  };
  const next = () => page.getByRole('button', { name: 'Tiếp tục' }).click();

  await page.goto(env.kiosk.webHost.url);
  await at('attract', 'Điểm hỗ trợ dịch vụ công trực tuyến');
  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).click();
  await at('language', 'Chọn ngôn ngữ');
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await at('procedures', 'Bạn cần làm thủ tục nào?');
  await page.getByLabel('Tìm thủ tục').fill('khai sinh');
  await page.getByRole('button', { name: /^Đăng ký khai sinh/ }).first().click();

  await at('about', 'Đăng ký khai sinh');
  const documents = await page.getByTestId('about-documents').innerText();
  expect(documents).toMatch(/Tờ khai đăng ký khai sinh\s+Máy tự điền từ câu trả lời của bạn/);
  expect(documents).toMatch(/Giấy tờ tùy thân của người đi đăng ký\s+Đưa cán bộ xem/);
  await page.getByRole('button', { name: 'Bắt đầu' }).click();
  await at('consent', 'Thông tin cá nhân của bạn');
  await page.getByRole('button', { name: 'Tôi đồng ý' }).click();

  await at('identify', 'Đưa mã QR trên thẻ căn cước vào máy quét');
  await page.getByLabel('Đưa mã QR trên thẻ căn cước vào máy quét').fill(CARD_QR);
  await page.keyboard.press('Enter');
  await at('card', 'Thông tin trên thẻ của bạn');
  await page.getByRole('button', { name: 'Đúng, tiếp tục' }).click();

  await at('relationship', 'Bạn là gì của cháu bé?');
  await page.getByRole('radio', { name: 'Mẹ', exact: true }).check();
  await next();
  // A person block, one field a screen, the block named above the question.
  await at('childName', 'Họ, chữ đệm và tên');
  expect(await page.locator('main').innerText()).toContain('Cháu bé được khai sinh');
  await page.getByLabel('Họ, chữ đệm và tên').fill('Nguyễn Ngọc Ánh');
  await next();
  await at('childBirthDate', 'Ngày, tháng, năm sinh');
  await page.getByLabel('Ngày', { exact: true }).fill('2');
  await page.getByLabel('Tháng', { exact: true }).fill('11');
  await page.getByLabel('Năm', { exact: true }).fill('2026');
  await next();
  await at('childSex', 'Giới tính');
  await page.getByRole('radio', { name: 'Nữ' }).check();
  await next();
  await at('placeOfBirth', 'Cháu sinh ở đâu?');
  await page.getByLabel('Cháu sinh ở đâu?').fill('Trạm y tế xã Diên Khánh');
  await next();
  await at('birthProof', 'Cháu có Giấy chứng sinh không?');
  await page.getByRole('radio', { name: 'Có Giấy chứng sinh' }).check();
  await next();
  await at('scan', 'Quét Giấy chứng sinh');
  await page.getByRole('button', { name: 'Quét giấy tờ' }).click();
  await page.getByRole('img', { name: 'Trang 1' }).waitFor({ timeout: 20_000 });
  audits.scanned = await auditScreen(page);
  await next();
  // The father is optional: left blank, the journey goes on.
  await at('father', 'Họ, chữ đệm và tên');
  await next();
  await at('phone', 'Số điện thoại để cán bộ gọi cho bạn');
  await page.getByLabel('Số điện thoại để cán bộ gọi cho bạn').fill('0912345678');
  await next();

  await at('delivery', 'Bạn muốn nhận kết quả bằng cách nào?');
  await page.getByRole('radio', { name: /^Gửi qua bưu điện/ }).check();
  await next();
  // The post address is the card's, ready to confirm or change.
  await at('postAddress', 'Địa chỉ nhận kết quả qua bưu điện');
  expect(await page.getByLabel('Số nhà, đường, thôn hoặc tổ').inputValue()).toBe('Thôn Phú Ân Nam 2');
  await next();
  await at('notify', 'Nhắn tin cho bạn khi có kết quả?');
  await page.getByRole('radio', { name: 'Có, nhắn tin cho tôi' }).check();
  await next();

  await at('review', 'Kiểm tra lại thông tin');
  const review = await page.locator('.answers').innerText();
  expect(review).toMatch(/Bạn muốn nhận kết quả bằng cách nào\?\s*Gửi qua bưu điện/);
  // Free when registered on time: nothing to pay, so check answers submits.
  await page.getByRole('button', { name: 'Gửi hồ sơ' }).click();
  await at('saved', 'Đã lưu hồ sơ');
  const facts = await page.locator('.receipt-facts').innerText();
  expect(facts).toContain('Tờ khai đăng ký khai sinh: máy tự điền');
  expect(facts).toContain('Giấy chứng sinh (bản chính): 1 trang');
  expect(facts).toMatch(/Nhận kết quả\s+Qua bưu điện/);
  const reference = (await page.getByTestId('saved-reference').textContent())!.match(/[0-9A-F]{8}$/)![0];

  // The portal has the dossier once, by post, submitted with both its files: the declaration and the scanned certificate.
  const atPortal = () => env.kiosk.portal.store.dossiers().filter((dossier) => dossier.uuid.toUpperCase().startsWith(reference));
  await expect.poll(() => atPortal().map((dossier) => dossier.maHoSo !== null), { timeout: 30_000 }).toEqual([true]);
  expect(atPortal()[0]!.metadata).toMatchObject({ MaTTHC: '1.001193', HinhThuc: 1, answers: { resultDelivery: 'post', notifySms: 'yes' } });
  const [queued] = (await rawQueueRows(page)).filter(({ row }) => row.id === atPortal()[0]!.uuid);
  expect(queued!.row.attachments.map((attachment) => attachment.documentType).sort()).toEqual(['birthCertificate', 'declaration']);
  for (const attachment of queued!.row.attachments) expect(env.kiosk.portal.store.attachment(queued!.row.id, attachment.id)?.uploaded_at).toBeTruthy();

  for (const [screen, audit] of Object.entries(audits)) {
    expect(audit.violations, screen).toEqual([]);
    expect(audit.smallTargets, screen).toEqual([]);
  }
  expect(env.browser.cspViolations).toEqual([]);
});
