import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { readChip } from '../../electron/host/devices/cardReader/index';
import { createSimulatedCardReader, demoCard, type SimulatedCardReader } from '../../electron/host/devices/cardReader/simulatedReader';
import { cccdAccessKey } from '../../shared/icao9303/mrz';
import { cccdCan } from '../../shared/icao9303/pace';
import { FAKE_CARD } from '../support/cccdChip';
import { root } from '../support/kiosk';
import { codeOf } from '../support/errors';

const config = { driver: 'simulator', connectDelayMs: 0 } as const;
const withCsca = { ...config, cscaFile: path.join(root, 'assets/simulator/csca.pem') };
const bac = { accessKey: cccdAccessKey(FAKE_CARD.number, FAKE_CARD.dateOfBirth, FAKE_CARD.dateOfExpiry) };
const pace = { can: cccdCan(FAKE_CARD.number) };

const readers: SimulatedCardReader[] = [];
afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.close()));
});
async function readyReader() {
  const reader = createSimulatedCardReader(config);
  readers.push(reader);
  await new Promise((resolve) => setTimeout(resolve, 5));
  expect(reader.status().state).toBe('ready');
  return reader;
}

describe('the simulated chip reader, with the committed demo card', () => {
  test('reads the whole chip with the number alone (PACE): MRZ, Vietnamese personal data, a JPEG face; genuine only with its CSCA loaded', async () => {
    const reader = await readyReader();
    const unverified = await readChip(reader, pace, config);
    expect(unverified.mrz).toMatchObject({ cccdNumber: FAKE_CARD.number, dateOfBirth: '900315', checkDigitsValid: true });
    expect(unverified.personalData).toMatchObject({ fullName: 'Trần Thị Thử', gender: 'Nữ', placeOfResidence: 'Thôn Phú Ân Nam 2, Xã Diên An, Huyện Diên Khánh, Khánh Hòa' });
    expect(unverified.face?.format).toBe('jpeg');
    expect([...unverified.face!.image.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(unverified.passiveAuthentication).toEqual({ outcome: 'issuerUnknown', reason: 'noCscaLoaded' });
    expect((await readChip(reader, pace, withCsca)).passiveAuthentication).toEqual({ outcome: 'genuine' });
  });

  test('a card without PACE needs the dates (BAC): the number alone is not enough', async () => {
    const reader = await readyReader();
    reader.insert({ ...demoCard(), pace: undefined });
    expect(await codeOf(readChip(reader, pace, config))).toBe('card.unsupported');
    expect((await readChip(reader, { ...pace, ...bac }, config)).personalData?.fullName).toBe('Trần Thị Thử');
  });

  test('a changed byte in the card is reported as altered, with its data group', async () => {
    const reader = await readyReader();
    const card = demoCard();
    const dg13 = new Uint8Array(card.files.get(0x010d)!);
    dg13[dg13.length - 1]! ^= 0x01;
    reader.insert({ ...card, files: new Map([...card.files, [0x010d, dg13]]) });
    expect((await readChip(reader, pace, withCsca)).passiveAuthentication).toMatchObject({ outcome: 'altered', dataGroups: [13] });
  });

  test('a wrong number or wrong dates do not open the chip; a card taken away mid-read, none put down, or no reader each say so', async () => {
    const reader = await readyReader();
    expect(await codeOf(readChip(reader, { can: '999999' }, config))).toBe('card.wrongCan');
    reader.insert({ ...demoCard(), pace: undefined });
    expect(await codeOf(readChip(reader, { accessKey: { ...bac.accessKey, dateOfExpiry: '310315' } }, config))).toBe('card.wrongMrz');
    const pulled = reader.withCard(async (transmit) => {
      reader.remove();
      return transmit(Uint8Array.of(0x00, 0x84, 0x00, 0x00, 0x08));
    });
    expect(await codeOf(pulled)).toBe('card.removed');
    expect(await codeOf(reader.withCard(async () => 'read', { timeoutMs: 50 }))).toBe('card.noCard');
    const waiting = reader.withCard(async () => 'read', { timeoutMs: 1000 });
    reader.insert();
    expect(await waiting).toBe('read');
    reader.unplug();
    expect(await codeOf(reader.withCard(async () => 'read', { timeoutMs: 1000 }))).toBe('card.noReader');
  });
});
