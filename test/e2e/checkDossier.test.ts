import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SimulatedQrScanner } from '../../electron/host/devices/qrScanner/simulator';
import type { WebHost } from '../../electron/webhost';
import { auditScreen } from '../support/a11y';
import { CARD_QR, leaveAfterSubmit, submitCertifiedCopy } from '../support/journey';
import { openChromium, type RunningBrowser } from '../support/kiosk';
import { startProvince, type Province } from '../support/province';
import { rawQueueRows } from '../support/queue';

// The citizen's data from the journey: none of it may show on the lookup screens.
const PERSONAL = ['Nguyễn Văn An', 'NGUYỄN', '056090001234', '0912345678', '0912 345 678', 'Giấy khai sinh', '15/03/1990'];
const MA_HO_SO = /^22651-\d{8}-\d{7}$/;

let province: Province;
let browser: RunningBrowser;
/** Kiosk A, where the citizen submitted; kiosk B, elsewhere in the province, knows only the portal. */
let kioskA: WebHost;
let kioskB: WebHost;
let pageA: Page;
let pageB: Page;
/** The dossier kiosk A sent in the first test, which the others go on from: its UUID, short reference and MaHoSo. */
let sent: { uuid: string; reference: string; maHoSo: string };

beforeAll(async () => {
  province = await startProvince();
  [kioskA, kioskB] = [await province.kiosk(), await province.kiosk()];
  browser = await openChromium();
  // One browser, two origins: each kiosk has its own IndexedDB.
  pageA = browser.page;
  pageB = await browser.context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await province?.close();
});

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
const scanner = (kiosk: WebHost) => kiosk.host.devices.qrScanner as SimulatedQrScanner;

async function openCheck(page: Page) {
  await page.getByRole('button', { name: 'Tra cứu hồ sơ', exact: true }).click();
  await expect.poll(() => heading(page)).toBe('Tra cứu hồ sơ');
}

async function typeCode(page: Page, code: string) {
  await page.getByLabel('Mã hồ sơ trên giấy biên nhận').fill(code);
  await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
}

/** The result's label → value pairs, once the result screen is up; and nothing personal on the page. */
async function facts(page: Page): Promise<Record<string, string>> {
  await expect.poll(() => heading(page)).toBe('Tình trạng hồ sơ');
  expect(await page.locator('body').innerText()).not.toMatch(new RegExp(PERSONAL.join('|')));
  const rows = await page.getByTestId('check-facts').locator('.answer').evaluateAll((items) => items.map((item) => [item.querySelector('dt')!.textContent!, item.querySelector('dd')!.textContent!]));
  return Object.fromEntries(rows);
}

const DATE_TIME = expect.stringMatching(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);

test("the kiosk that took it finds it by the receipt's QR and by the typed reference: waiting offline, then sent and at the portal", async () => {
  // A citizen submits at kiosk A while the portal is down: the dossier waits in its queue.
  province.portal.setFaults({ down: true });
  await pageA.goto(kioskA.url);
  const reference = await submitCertifiedCopy(pageA);
  await leaveAfterSubmit(pageA);
  const uuid = (await rawQueueRows(pageA)).find((r) => r.row.id.toUpperCase().startsWith(reference))!.row.id;
  await openCheck(pageA);
  await scanner(kioskA).scan(`DVC:${uuid}`);
  expect(await facts(pageA)).toEqual({
    'Mã hồ sơ': reference,
    'Thủ tục': expect.stringMatching(/^Chứng thực bản sao từ bản chính/),
    'Trên ki-ốt này': 'Đang chờ gửi lên cổng dịch vụ công',
    'Lưu trên ki-ốt lúc': DATE_TIME,
  });
  expect(await pageA.getByTestId('check-offline').textContent()).toBe('Chưa kết nối được cổng dịch vụ công. Đang hiển thị những gì ki-ốt này biết.');

  // The link is back (a restart syncs at once); the portal gives its MaHoSo, the officer starts on
  // it, and kiosk A reads that from the portal's feed.
  province.portal.setFaults({ down: false });
  await pageA.reload();
  const atPortal = () => province.portal.store.dossier(uuid)?.maHoSo ?? null;
  await expect.poll(atPortal, { timeout: 20_000 }).toMatch(MA_HO_SO);
  sent = { uuid, reference, maHoSo: atPortal()! };
  expect(province.portal.setDossierStatus(uuid, 4)).toBe(true);
  await pageA.reload();
  await expect.poll(async () => (await rawQueueRows(pageA)).find((r) => r.row.id === uuid)?.row.portalStatus?.code, { timeout: 20_000 }).toBe(4);

  await openCheck(pageA);
  await scanner(kioskA).scan(`DVC:${uuid}`);
  const expected = {
    'Mã hồ sơ': reference,
    'Mã hồ sơ trên Cổng': sent.maHoSo,
    'Thủ tục': expect.stringMatching(/^Chứng thực bản sao từ bản chính/),
    'Trên ki-ốt này': 'Đã gửi, cổng dịch vụ công đã nhận',
    'Lưu trên ki-ốt lúc': DATE_TIME,
    'Cổng tiếp nhận lúc': DATE_TIME,
    'Trạng thái trên Cổng': 'Đang xử lý',
    'Cập nhật lúc': DATE_TIME,
  };
  expect(await facts(pageA)).toEqual(expected);
  expect(await pageA.getByTestId('check-offline').count()).toBe(0);

  await pageA.getByRole('button', { name: 'Tra cứu hồ sơ khác' }).click();
  await typeCode(pageA, reference.toLowerCase());
  expect(await facts(pageA)).toEqual(expected);
  await pageA.getByRole('button', { name: 'Xong' }).click();
  await expect.poll(() => pageA.getByRole('button', { name: 'Chạm để bắt đầu' }).count()).toBe(1);
});

test('another kiosk of the province finds it through the portal only, by reference or by MaHoSo typed on the on-screen keyboard', async () => {
  await pageB.goto(kioskB.url);
  await openCheck(pageB);
  await typeCode(pageB, sent.reference);
  const expected = {
    'Mã hồ sơ': sent.reference,
    'Mã hồ sơ trên Cổng': sent.maHoSo,
    'Thủ tục': expect.stringMatching(/^Chứng thực bản sao từ bản chính/),
    'Cổng tiếp nhận lúc': DATE_TIME,
    'Trạng thái trên Cổng': 'Đang xử lý',
    'Cập nhật lúc': DATE_TIME,
  };
  expect(await facts(pageB)).toEqual(expected);
  expect(await auditScreen(pageB)).toEqual({ violations: [], smallTargets: [] });

  await pageB.getByRole('button', { name: 'Tra cứu hồ sơ khác' }).click();
  const keyboard = pageB.getByRole('group', { name: 'Bàn phím' });
  for (const key of sent.maHoSo) await keyboard.getByRole('button', { name: key, exact: true }).click();
  expect(await pageB.getByLabel('Mã hồ sơ trên giấy biên nhận').inputValue()).toBe(sent.maHoSo);
  await keyboard.getByRole('button', { name: 'Xong' }).click();
  const byMaHoSo = await facts(pageB);
  // Looked up by MaHoSo, kiosk B never learns the UUID, so it has no short reference to show.
  expect(byMaHoSo).toEqual(Object.fromEntries(Object.entries(expected).filter(([label]) => label !== 'Mã hồ sơ')));
});

test('codes that find nothing, and a CCCD scanned by mistake, are told plainly and nothing of the card shows', async () => {
  await pageB.goto(kioskB.origin);
  await openCheck(pageB);
  const alert = pageB.getByRole('alert');
  await typeCode(pageB, 'DEADBEEF');
  await expect.poll(() => alert.textContent()).toBe('Không tìm thấy hồ sơ có mã này. Vui lòng kiểm tra lại mã trên giấy biên nhận.');
  await typeCode(pageB, 'hồ sơ của tôi');
  await expect.poll(() => alert.textContent()).toBe('Mã này không đúng. Mã hồ sơ gồm 8 chữ và số, ví dụ 1A2B3C4D.');
  await scanner(kioskB).scan(CARD_QR.trimEnd());
  await expect.poll(() => alert.textContent()).toBe('Mã này không đúng. Mã hồ sơ gồm 8 chữ và số, ví dụ 1A2B3C4D.');
  expect(await pageB.locator('body').innerText()).not.toMatch(new RegExp(PERSONAL.join('|')));
  // The ask screen with its error, keyboard and all: WCAG 2.2 AA and 48 px targets.
  expect(await auditScreen(pageB)).toEqual({ violations: [], smallTargets: [] });
});

test('with the portal down, kiosk A shows what it knows and says so; kiosk B says it cannot tell', async () => {
  province.portal.setFaults({ down: true });
  try {
    await pageA.goto(kioskA.origin);
    await openCheck(pageA);
    await scanner(kioskA).scan(`DVC:${sent.uuid}`);
    // The portal's last status as the kiosk heard it from the feed, said to be the kiosk's knowledge.
    expect(await facts(pageA)).toMatchObject({ 'Mã hồ sơ': sent.reference, 'Mã hồ sơ trên Cổng': sent.maHoSo, 'Trên ki-ốt này': 'Đã gửi, cổng dịch vụ công đã nhận', 'Trạng thái trên Cổng': 'Đang xử lý' });
    expect(await pageA.getByTestId('check-offline').textContent()).toBe('Chưa kết nối được cổng dịch vụ công. Đang hiển thị những gì ki-ốt này biết.');

    await pageB.goto(kioskB.origin);
    await openCheck(pageB);
    await typeCode(pageB, sent.reference);
    await expect
      .poll(() => pageB.getByRole('alert').textContent())
      .toBe('Ki-ốt này không giữ hồ sơ này, và chưa kết nối được cổng dịch vụ công để tra cứu. Vui lòng thử lại sau.');
  } finally {
    province.portal.setFaults({ down: false });
  }
});
