import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { expect, test } from 'vitest';
import { parseVietQr } from '../../shared/dossier/vietqr';
import type { SimulatedQrScanner } from '../../electron/host/devices/qrScanner/simulator';
import { CARD_QR } from '../support/journey';
import { rawQueueRows } from '../support/queue';
import { withKiosk } from '../support/kiosk';
import { openHelperQueue } from '../support/helper';

const PAYEE = { bankBin: '970405', accountNumber: '1234567890123', accountName: 'UBND XA DIEN KHANH' };

const env = withKiosk({ payee: PAYEE });

const heading = () => env.browser.page.getByRole('heading', { level: 1 }).textContent();

test('a citizen certifies a copy: search, card QR, one question per screen, check answers, fee by VietQR; the dossier reaches the portal once', async () => {
  const { page } = env.browser;
  // Record the options of every IndexedDB transaction the page opens.
  await page.addInitScript(() => {
    const seen: string[] = [];
    const open = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<typeof open>) {
      const transaction = open.apply(this, args);
      seen.push(`${transaction.mode}:${transaction.durability}`);
      return transaction;
    };
    Object.assign(window, { __idbTransactions: seen });
  });
  await page.goto(env.kiosk.webHost.url);

  // The token left the address bar as soon as the page took it.
  await expect.poll(() => page.url()).not.toContain('token');
  await expect.poll(() => page.getByTestId('portal-status').textContent()).toBe('Đã kết nối cổng dịch vụ công');
  await expect.poll(() => page.getByTestId('app-version').textContent()).toBe('Phiên bản 0.0.0-test');

  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).click();
  await expect.poll(heading).toBe('Chọn ngôn ngữ');
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  // Typed without diacritics, in capitals: the real catalogue still finds the procedure first.
  await page.getByLabel('Tìm thủ tục').fill('CHUNG THUC BAN SAO');
  const results = page.locator('.procedure-list').getByRole('button');
  await expect.poll(() => results.first().textContent()).toMatch(/^Chứng thực bản sao từ bản chính/);
  await results.first().click();

  // Before starting: what to bring, the fee and the time, from the catalogue.
  await expect.poll(heading).toMatch(/^Chứng thực bản sao từ bản chính/);
  expect(await page.getByTestId('about-documents').innerText()).toContain('Bản chính giấy tờ');
  expect(await page.locator('.facts').innerText()).toMatch(/Lệ phí từ 2\.000\s₫/);
  await page.getByRole('button', { name: 'Bắt đầu' }).click();
  // Consent in plain words, before the card is read (facts §8.2).
  await expect.poll(heading).toBe('Thông tin cá nhân của bạn');
  expect(await page.locator('main').innerText()).toContain('91/2025/QH15');
  await page.getByRole('button', { name: 'Tôi đồng ý' }).click();

  // A volunteer types a payload that is not a whole card's: the screen says why.
  await expect.poll(heading).toBe('Đưa mã QR trên thẻ căn cước vào máy quét');
  await page.getByLabel('Đưa mã QR trên thẻ căn cước vào máy quét').fill('056090001234|225123456|Nguyễn Văn An');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/.+/);
  // A scan the host cannot take (longer than any CCCD QR) is told too, with why.
  const scanner = env.kiosk.webHost.host.devices.qrScanner as SimulatedQrScanner;
  await scanner.scan('0'.repeat(5000));
  await expect.poll(() => page.getByRole('alert').textContent()).toBe('Mã vừa quét quá dài. Vui lòng quét mã QR in trên thẻ căn cước.');
  // Then the card's QR reaches the scanner: HID POS reports, the host's parser, the qr.scanned event.
  await scanner.scan(CARD_QR.trimEnd());
  await expect.poll(heading).toBe('Thông tin trên thẻ của bạn');
  const card = await page.getByTestId('card-summary').innerText();
  for (const value of ['Nguyễn Văn An', '056090001234', '15/03/1990', 'Nam', 'Thôn Phú Ân Nam 2, Xã Diên An, Huyện Diên Khánh, Khánh Hòa']) {
    expect(card).toContain(value);
  }
  await page.getByRole('button', { name: 'Đúng, tiếp tục' }).click();

  // One question per screen; name and number came from the card, so the first question is the paper.
  const answer = async (question: string, value: string) => {
    await expect.poll(heading).toBe(question);
    await page.getByLabel(question).fill(value);
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
  };
  await answer('Bạn cần chứng thực giấy gì?', 'Bằng tốt nghiệp trung học phổ thông');
  await answer('Giấy đó có mấy trang?', '5');
  await answer('Bạn cần mấy bản sao?', '1');
  await expect.poll(heading).toBe('Quét bản chính giấy cần chứng thực');
  await page.getByRole('checkbox', { name: 'Tôi sẽ nộp bản giấy này cho cán bộ tại quầy' }).check();
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await answer('Số điện thoại để cán bộ gọi cho bạn', '12345');
  await expect.poll(() => page.getByRole('alert').textContent()).toBe('Số điện thoại gồm 10 chữ số và bắt đầu bằng số 0.');
  await expect.poll(() => page.title()).toMatch(/^Lỗi: /);
  await page.getByLabel('Số điện thoại để cán bộ gọi cho bạn').fill('0912 345 678');
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  // The closing question: a text message when the result is ready, to the number just given.
  await expect.poll(heading).toBe('Nhắn tin cho bạn khi có kết quả?');
  await page.getByRole('radio', { name: 'Có, nhắn tin cho tôi' }).check();
  await page.getByRole('button', { name: 'Tiếp tục' }).click();

  // Check answers: the card's answers are marked, the fee is 2 × 2.000 + 3 × 1.000 đ.
  await expect.poll(heading).toBe('Kiểm tra lại thông tin');
  expect(await page.locator('.answers').innerText()).toMatch(/Nguyễn Văn An\s*Lấy từ thẻ căn cước/);
  expect(await page.getByTestId('review-fee').textContent()).toMatch(/^Lệ phí 7\.000\s₫$/);
  await page.getByRole('button', { name: 'Tiếp tục' }).click();

  // The fee: by phone, the VietQR code appears before the submit, with the dossier's reference.
  await expect.poll(heading).toMatch(/^Nộp lệ phí 7\.000\s₫$/);
  await page.getByRole('radio', { name: /^Chuyển khoản bằng điện thoại/ }).check();
  const feeScreenReference = (await page.getByTestId('payment-reference').textContent())!.match(/DVC ([0-9A-F]{8})$/)![1];
  await page.getByRole('button', { name: 'Gửi hồ sơ' }).click();

  await expect.poll(heading).toBe('Đã lưu hồ sơ');
  const reference = (await page.getByTestId('saved-reference').textContent())?.match(/[0-9A-F]{8}$/)?.[0];
  expect(reference).toMatch(/^[0-9A-F]{8}$/);
  expect(feeScreenReference).toBe(reference);

  // The VietQR code on screen, read back from a screenshot by a QR decoder, as a banking app would.
  const png = PNG.sync.read(await page.getByRole('img', { name: /Mã VietQR/ }).screenshot());
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(decoded).not.toBeNull();
  expect(parseVietQr(decoded!.data)).toMatchObject({ bankBin: '970405', accountNumber: '1234567890123', amountVnd: 7000, reference: `DVC ${reference}` });

  // What IndexedDB holds has no personal data in clear: the answers are sealed (quality target D1).
  const rows = await rawQueueRows(page);
  expect(rows).toHaveLength(1);
  for (const canary of ['Nguyễn Văn An', 'NGUYỄN', '056090001234', '0912345678', 'Bằng tốt nghiệp']) {
    expect(rows[0]!.json).not.toContain(canary);
    expect(rows[0]!.bytes).not.toContain(canary);
    expect(rows[0]!.bytes).not.toContain(Buffer.from(canary).toString('latin1'));
  }
  expect(rows[0]!.row).not.toHaveProperty('answers');
  // A wrapped AES-256 key (RFC 3394 adds 8 bytes), a 96-bit IV, and the ciphertext.
  const sealed = rows[0]!.row.sealed!;
  expect([sealed.wrappedKey, sealed.iv].map((field) => Buffer.from(field, 'base64').length)).toEqual([40, 12]);
  expect(Buffer.from(sealed.ciphertext, 'base64').length).toBeGreaterThan(16);

  // The dossier was written with strict durability: flushed to disk before "Đã lưu" showed.
  const transactions = await page.evaluate(() => (window as unknown as { __idbTransactions: string[] }).__idbTransactions);
  expect(transactions).toContain('readwrite:strict');
  expect(transactions.filter((t) => t.startsWith('readwrite') && t !== 'readwrite:strict')).toEqual([]);

  await page.reload();
  await openHelperQueue(page);
  const listed = page.getByTestId('queue-list').getByRole('listitem');
  await expect.poll(() => listed.count()).toBe(1);
  expect(await listed.first().textContent()).toContain(`${reference} · Chứng thực bản sao từ bản chính`);

  // The sync loop sent it through the host to the reference portal, which gave it its code.
  await expect.poll(() => listed.first().textContent(), { timeout: 20_000 }).toMatch(/Cổng đã nhận, mã 22651-\d{8}-\d{7}/);
  const shownCode = (await listed.first().textContent())!.match(/22651-\d{8}-\d{7}/)![0];
  const atPortal = env.kiosk.portal.store.dossiers().filter((d) => d.uuid.toUpperCase().startsWith(reference!));
  expect(atPortal).toHaveLength(1);
  expect(atPortal[0]).toMatchObject({ maHoSo: shownCode, metadata: { MaTTHC: '2.000815', ChuHoSo: 'Nguyễn Văn An', SoGiayToChuHoSo: '056090001234', KenhThucHien: 2, HinhThuc: 0 } });
  // The consent travels as proof (the notice's wording and when), with the choices of the closing screens.
  expect(atPortal[0]!.metadata.answers).toMatchObject({ personalDataConsent: expect.stringMatching(/^pdp-2026-1 \d{4}-\d\d-\d\dT/), notifySms: 'yes', feePayment: 'phone' });

  // The kiosk told the province how it is doing: nothing left to send.
  await expect.poll(() => env.kiosk.portal.store.lastHeartbeats().length).toBe(1);
  expect(env.kiosk.portal.store.lastHeartbeats()[0]!.report).toMatchObject({ queueDepth: 0, oldestUnsentAgeSeconds: null, freeBytes: expect.any(Number), queueStore: 'indexedDb' });

  // The commune officer starts on it; the kiosk reads the portal's status feed on its next run.
  expect(env.kiosk.portal.setDossierStatus(atPortal[0]!.uuid, 4)).toBe(true);
  await page.reload();
  await openHelperQueue(page);
  await expect.poll(() => listed.first().textContent(), { timeout: 20_000 }).toContain(`mã ${shownCode} · Đang xử lý`);
  // The agency refuses it after all ("Không được tiếp nhận"): final, and so the kiosk's own state.
  expect(env.kiosk.portal.setDossierStatus(atPortal[0]!.uuid, 3)).toBe(true);
  await page.reload();
  await openHelperQueue(page);
  await expect.poll(() => listed.first().textContent(), { timeout: 20_000 }).toContain(`Cơ quan không tiếp nhận hồ sơ, mã ${shownCode} · `);
  expect(env.browser.cspViolations).toEqual([]);
});

test('the language switch turns every string on screen into English and back', async () => {
  const { page } = env.browser;
  await page.goto(env.kiosk.webHost.origin);
  await page.getByRole('button', { name: 'English' }).click();
  await expect.poll(() => page.getByRole('button', { name: 'Touch to start' }).count()).toBe(1);
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await expect.poll(() => page.getByRole('button', { name: 'Chạm để bắt đầu' }).count()).toBe(1);
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi');
});

test('Vietnamese text renders in the bundled Noto Sans, diacritics included', async () => {
  const { page } = env.browser;
  await page.goto(env.kiosk.webHost.origin);
  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor();
  const fonts = await page.evaluate(async () => {
    await document.fonts.ready;
    const sample = 'Chạm để bắt đầu Đăng ký khai sinh ỹ Ữ ₫';
    await document.fonts.load('22px "Noto Sans"', sample);
    return {
      loaded: document.fonts.check('22px "Noto Sans"', sample),
      family: getComputedStyle(document.body).fontFamily,
    };
  });
  expect(fonts.family).toMatch(/^"?Noto Sans"?/);
  expect(fonts.loaded).toBe(true);
});
