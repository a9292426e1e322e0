import fc from 'fast-check';
import jsQR from 'jsqr';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { QRPay } from 'vietnam-qr-pay';
import { describe, expect, test } from 'vitest';
import {
  MAX_FEE_VND,
  MAX_REFERENCE_LENGTH,
  QR_QUIET_ZONE_MODULES,
  buildVietQr,
  crc16CcittFalse,
  encodeVietQr,
  parseVietQr,
  qrMatrix,
  type QrMatrix,
  type VietQrRequest,
} from '../../shared/dossier/vietqr';
import { KioskError } from '../../shared/errors';
import { QrCode } from '../../renderer/ui/QrCode';

// The founders' vectors: facts.md §F.5 (the first two are vietnam-qr-pay's README examples) and
// the worked example of README §4.1.
const vectors = [
  {
    name: 'library README, static',
    payload: '00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F',
    payment: { bankBin: '970416', accountNumber: '257678859', service: 'QRIBFTTA', amountVnd: null, reference: null },
  },
  {
    name: 'library README, dynamic',
    payload: '00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN62150811Chuyen tien630453E6',
    payment: { bankBin: '970416', accountNumber: '257678859', service: 'QRIBFTTA', amountVnd: 10000, reference: 'Chuyen tien' },
  },
  {
    name: 'Agribank, residence registration',
    payload:
      '00020101021238570010A00000072701270006970405011312345678901230208QRIBFTTA53037045405200005802VN62250821LE PHI DKTT KIOSK0001630416FA',
    payment: { bankBin: '970405', accountNumber: '1234567890123', service: 'QRIBFTTA', amountVnd: 20000, reference: 'LE PHI DKTT KIOSK0001' },
  },
  {
    name: 'Vietcombank, 5 certified pages',
    payload:
      '00020101021238570010A00000072701270006970436011300110000000010208QRIBFTTA5303704540470005802VN62260822PHI CHUNG THUC 5 TRANG630403EC',
    payment: { bankBin: '970436', accountNumber: '0011000000001', service: 'QRIBFTTA', amountVnd: 7000, reference: 'PHI CHUNG THUC 5 TRANG' },
  },
  {
    name: 'Agribank, static',
    payload: '00020101021138570010A00000072701270006970405011312345678901230208QRIBFTTA53037045802VN6304EF9A',
    payment: { bankBin: '970405', accountNumber: '1234567890123', service: 'QRIBFTTA', amountVnd: null, reference: null },
  },
  {
    name: 'ACB, birth registration (README §4.1)',
    payload: '00020101021238540010A00000072701240006970416011001234567890208QRIBFTTA53037045405500005802VN62200816LE PHI KHAI SINH63048FBB',
    payment: { bankBin: '970416', accountNumber: '0123456789', service: 'QRIBFTTA', amountVnd: 50000, reference: 'LE PHI KHAI SINH' },
  },
] as const;

const badCrcVector =
  '00020101021238570010A00000072701270006970405011312345678901230208QRIBFTTA53037045405200005802VN62250821LE PHI DKTT KIOSK000163040000';

const agribank: VietQrRequest = { bankBin: '970405', accountNumber: '1234567890123', amountVnd: 20000, reference: 'LE PHI DKTT KIOSK0001' };

/** The KioskError a call throws, so a test can tell which rule refused the input. */
function thrown(call: () => unknown): KioskError {
  try {
    call();
  } catch (error) {
    if (error instanceof KioskError) return error;
    throw error;
  }
  throw new Error('expected a KioskError');
}

/** A body with a correct CRC from vietnam-qr-pay's own CRC code, independent of ours. */
const withCrc = (body: string): string => `${body}6304${QRPay.genCRCCode(`${body}6304`)}`;

const scale = 8;

/** Paints dark squares on a white RGBA canvas the way a phone camera would see the code. */
function canvas(side: number, darkSquares: Iterable<{ x: number; y: number; width: number; height: number }>) {
  const width = side * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const square of darkSquares) {
    for (let py = square.y * scale; py < (square.y + square.height) * scale; py += 1) {
      for (let px = square.x * scale; px < (square.x + square.width) * scale; px += 1) {
        pixels.fill(0, (py * width + px) * 4, (py * width + px) * 4 + 3);
      }
    }
  }
  return { pixels, width };
}

/** The matrix with its quiet zone, decoded by jsQR (a different QR implementation from uqr). */
function decodeMatrix(matrix: QrMatrix): string | undefined {
  const squares = matrix.modules.flatMap((row, y) =>
    row.flatMap((dark, x) => (dark ? [{ x: x + QR_QUIET_ZONE_MODULES, y: y + QR_QUIET_ZONE_MODULES, width: 1, height: 1 }] : [])),
  );
  const { pixels, width } = canvas(matrix.size + 2 * QR_QUIET_ZONE_MODULES, squares);
  return jsQR(pixels, width, width)?.data;
}

describe('VietQR payloads', () => {
  test('CRC-16/CCITT-FALSE gives the catalogue check value for "123456789"', () => {
    expect(crc16CcittFalse('123456789')).toBe(0x29b1);
  });

  test.each(vectors)('the $name vector parses to its fields and rebuilds byte for byte', ({ payload, payment }) => {
    expect(parseVietQr(payload)).toEqual(payment);
    expect(encodeVietQr(parseVietQr(payload))).toBe(payload);
  });

  test('the vector with a wrong CRC is refused at tag 63', () => {
    expect(thrown(() => parseVietQr(badCrcVector)).params).toEqual({ field: '63' });
  });

  test('a fee request builds the Agribank fixture exactly', () => {
    expect(buildVietQr(agribank)).toBe(vectors[2].payload);
  });

  test.each([
    { bankBin: '970405', accountNumber: '1234567890123', amountVnd: 20000, reference: 'LE PHI DKTT KIOSK0001' },
    { bankBin: '970436', accountNumber: '0011000000001', amountVnd: 7000, reference: 'PHI CHUNG THUC 5 TRANG' },
    { bankBin: '970416', accountNumber: '0123456789', amountVnd: MAX_FEE_VND, reference: 'X'.repeat(MAX_REFERENCE_LENGTH) },
  ])('vietnam-qr-pay reads a built code for $bankBin as the same bank, account, amount and reference', (request) => {
    const decoded = new QRPay(buildVietQr(request));
    expect(decoded.isValid).toBe(true);
    expect(decoded.provider.name).toBe('VIETQR');
    expect(decoded.initMethod).toBe('12');
    expect(decoded.consumer).toEqual({ bankBin: request.bankBin, bankNumber: request.accountNumber });
    expect(decoded.amount).toBe(String(request.amountVnd));
    expect(decoded.additionalData.purpose).toBe(request.reference);
  });

  test.each([
    ['amount 0', { amountVnd: 0 }, 'payment.amountInvalid'],
    ['a negative amount', { amountVnd: -20000 }, 'payment.amountInvalid'],
    ['a fractional amount', { amountVnd: 20000.5 }, 'payment.amountInvalid'],
    ['NaN', { amountVnd: Number.NaN }, 'payment.amountInvalid'],
    ['Infinity', { amountVnd: Number.POSITIVE_INFINITY }, 'payment.amountInvalid'],
    ['an amount above the kiosk limit', { amountVnd: MAX_FEE_VND + 1 }, 'payment.amountInvalid'],
    ['an amount past 2^53', { amountVnd: 2 ** 60 }, 'payment.amountInvalid'],
    ['a 5-digit BIN', { bankBin: '97040' }, 'payment.accountInvalid'],
    ['a 7-digit BIN', { bankBin: '9704050' }, 'payment.accountInvalid'],
    ['a BIN with letters', { bankBin: '97O405' }, 'payment.accountInvalid'],
    ['a BIN in full-width digits', { bankBin: '９７０４０５' }, 'payment.accountInvalid'],
    ['a BIN with a space', { bankBin: ' 970405' }, 'payment.accountInvalid'],
    ['an account with letters', { accountNumber: '12345ABC' }, 'payment.accountInvalid'],
    ['an account of 20 digits', { accountNumber: '1'.repeat(20) }, 'payment.accountInvalid'],
    ['an empty account', { accountNumber: '' }, 'payment.accountInvalid'],
    ['an account with spaces', { accountNumber: '1234 5678' }, 'payment.accountInvalid'],
    ['a reference with diacritics (NFC)', { reference: 'LỆ PHÍ KHAI SINH' }, 'payment.referenceInvalid'],
    ['a reference with diacritics (NFD)', { reference: 'LE\u0302\u0323 PHI' }, 'payment.referenceInvalid'],
    ['a reference with đ', { reference: 'DANG KY đ' }, 'payment.referenceInvalid'],
    ['a reference one character too long', { reference: 'X'.repeat(MAX_REFERENCE_LENGTH + 1) }, 'payment.referenceInvalid'],
    ['a reference of 100 characters (a length of "00" in vietnam-qr-pay)', { reference: 'X'.repeat(100) }, 'payment.referenceInvalid'],
    ['a reference with a newline', { reference: 'LE PHI\nKIOSK' }, 'payment.referenceInvalid'],
    ['a reference with NUL', { reference: 'LE PHI\u0000' }, 'payment.referenceInvalid'],
    ['a reference with a tab', { reference: 'LE\tPHI' }, 'payment.referenceInvalid'],
    ['an empty reference', { reference: '' }, 'payment.referenceInvalid'],
    ['a reference with a leading space', { reference: ' LE PHI' }, 'payment.referenceInvalid'],
    ['a reference with two spaces', { reference: 'LE  PHI' }, 'payment.referenceInvalid'],
  ])('building with %s is refused', (_name, change, code) => {
    expect(thrown(() => buildVietQr({ ...agribank, ...change })).code).toBe(code);
  });

  const body = (fields: string) => `000201${fields}`;
  const account = '38570010A00000072701270006970405011312345678901230208QRIBFTTA';
  test.each([
    ['an empty string', '', 'payload'],
    ['text that is not TLV', 'hello world', 'payload'],
    ['a lower-case CRC', vectors[0].payload.replace(/AE9F$/, 'ae9f'), '63'],
    ['a truncated payload', vectors[2].payload.slice(0, -10), '62'],
    ['non-ASCII text', vectors[3].payload.replace('PHI', 'PHÍ'), 'payload'],
    ['a missing payload format indicator', withCrc(`010212${account}53037045405200005802VN`), '00'],
    ['a payload format indicator of 02', withCrc(`000202010212${account}53037045405200005802VN`), '00'],
    ['data after the CRC', `${vectors[0].payload}9902XX`, '63'],
    ['a CRC field of 5 characters', ((head: string) => `${head}${QRPay.genCRCCode(head)}`)(`${vectors[0].payload.slice(0, -8)}6305A`), '63'],
    ['a VNPAY-QR (tag 26), not VietQR', withCrc(body('01021126240010A0000007750106MERCH153037045802VN')), '3800'],
    ['a wrong GUID in tag 38', withCrc(body(`010211${account.replace('A000000727', 'A000000775')}53037045802VN`)), '3800'],
    ['a BIN of 5 digits', withCrc(body('01021138560010A0000007270126000597040011312345678901230208QRIBFTTA53037045802VN')), '3801'],
    ['an account with letters', withCrc(body('01021138570010A0000007270127000697040501131234567890ABC0208QRIBFTTA53037045802VN')), '3801'],
    ['an unknown service code', withCrc(body(`010211${account.replace('QRIBFTTA', 'QRIBFTTX')}53037045802VN`)), '3802'],
    ['a sub-field length that overruns its template', withCrc(body('01021138570010A00000072701990006970405011312345678901230208QRIBFTTA53037045802VN')), '3801'],
    ['a duplicated tag', withCrc(body(`010211${account}530370453037045802VN`)), '53'],
    ['currency USD (840)', withCrc(body(`010211${account}53038405802VN`)), '53'],
    ['country TH', withCrc(body(`010211${account}53037045802TH`)), '58'],
    ['an amount with decimals', withCrc(body(`010212${account}5303704540820000.005802VN`)), '54'],
    ['an amount of 0', withCrc(body(`010212${account}5303704540105802VN`)), '54'],
    ['an amount with a leading zero', withCrc(body(`010212${account}530370454060200005802VN`)), '54'],
    ['a dynamic code without an amount', withCrc(body(`010212${account}53037045802VN`)), '01'],
    ['a static code with an amount', withCrc(body(`010211${account}53037045405200005802VN`)), '01'],
    ['a zero-length field', withCrc(body(`010211${account}53037045802VN5900`)), '59'],
    ['a malformed additional-data template', withCrc(body(`010212${account}53037045405200005802VN6205ABCDE`)), '62'],
  ])('parsing %s is refused', (_name, payload, field) => {
    const error = thrown(() => parseVietQr(payload));
    expect(error.code).toBe('payment.qrInvalid');
    expect(error.params).toEqual({ field });
  });

  test('tags VietQR does not use (merchant name, city) are read past', () => {
    const payload = withCrc(body(`010212${account}53037045405200005802VN5907UBND XA6009NHA TRANG`));
    expect(parseVietQr(payload)).toMatchObject({ bankBin: '970405', amountVnd: 20000 });
  });

  test('encoding a field longer than 99 characters throws instead of writing a wrong length', () => {
    expect(() => encodeVietQr({ ...parseVietQr(vectors[2].payload), reference: 'X'.repeat(100) })).toThrow(RangeError);
  });
});

describe('VietQR as a QR code', () => {
  test('the module matrix of the Agribank fixture decodes with jsQR to exactly the payload', () => {
    expect(decodeMatrix(qrMatrix(vectors[2].payload))).toBe(vectors[2].payload);
  });

  test('the QrCode component draws rectangles that decode to the payload, inside a 4-module quiet zone', () => {
    const matrix = qrMatrix(vectors[5].payload);
    const svg = renderToStaticMarkup(createElement(QrCode, { matrix, label: 'Mã QR lệ phí', size: 320 }));
    const side = matrix.size + 2 * QR_QUIET_ZONE_MODULES;
    expect(svg).toMatch(new RegExp(`^<svg role="img" aria-label="Mã QR lệ phí" width="320" height="320" viewBox="0 0 ${side} ${side}"`));
    expect(svg).not.toContain('style');

    const rects = [...svg.matchAll(/<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" fill="(#fff|#000)"><\/rect>/g)].map(
      ([, x, y, width, height, fill]) => ({ x: Number(x), y: Number(y), width: Number(width), height: Number(height), fill }),
    );
    expect(rects[0]).toEqual({ x: 0, y: 0, width: side, height: side, fill: '#fff' });
    const dark = rects.filter((rect) => rect.fill === '#000');
    expect(rects).toHaveLength(svg.match(/<rect /g)?.length ?? 0);
    for (const rect of dark) {
      expect(rect.x).toBeGreaterThanOrEqual(QR_QUIET_ZONE_MODULES);
      expect(rect.y).toBeGreaterThanOrEqual(QR_QUIET_ZONE_MODULES);
      expect(rect.x + rect.width).toBeLessThanOrEqual(side - QR_QUIET_ZONE_MODULES);
      expect(rect.y + rect.height).toBeLessThanOrEqual(side - QR_QUIET_ZONE_MODULES);
    }
    const { pixels, width } = canvas(side, dark);
    expect(jsQR(pixels, width, width)?.data).toBe(vectors[5].payload);
  });

  const validRequest = fc.record({
    bankBin: fc.stringMatching(/^\d{6}$/),
    accountNumber: fc.stringMatching(/^\d{1,19}$/),
    amountVnd: fc.integer({ min: 1, max: MAX_FEE_VND }),
    reference: fc
      .array(fc.stringMatching(/^[A-Za-z0-9]{1,8}$/), { minLength: 1, maxLength: 5 })
      .map((words) => words.join(' '))
      .filter((reference) => reference.length <= MAX_REFERENCE_LENGTH),
  });

  test('any valid fee request survives build → QR → jsQR → parse unchanged', () => {
    fc.assert(
      fc.property(validRequest, (request) => {
        const payload = buildVietQr(request);
        expect(decodeMatrix(qrMatrix(payload))).toBe(payload);
        expect(parseVietQr(payload)).toEqual({ ...request, service: 'QRIBFTTA' });
      }),
      { numRuns: 100 },
    );
  });

  test('vietnam-qr-pay agrees with our reading of any valid fee request', () => {
    fc.assert(
      fc.property(validRequest, (request) => {
        const decoded = new QRPay(buildVietQr(request));
        expect(decoded.isValid).toBe(true);
        expect([decoded.consumer.bankBin, decoded.consumer.bankNumber, decoded.amount, decoded.additionalData.purpose]).toEqual([
          request.bankBin,
          request.accountNumber,
          String(request.amountVnd),
          request.reference,
        ]);
      }),
      { numRuns: 300 },
    );
  });
});
