import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { nodeIcaoCrypto as crypto } from '../../electron/host/devices/cardReader/icaoCrypto';
import { readChip } from '../../electron/host/devices/cardReader/index';
import { createPcscCardReader, type PcscCardReader, type PcscReaderState } from '../../electron/host/devices/cardReader/pcsc';
import { createSimulatedChip } from '../../electron/host/devices/cardReader/simulatedChip';
import type { DeviceStatus } from '../../shared/contract';
import { plainChannel, type Transmit } from '../../shared/icao9303/apdu';
import { authenticateWithBac } from '../../shared/icao9303/bac';
import { FILE_ID, readFile, selectEmrtdApplication } from '../../shared/icao9303/files';
import { cccdAccessKey, type MrzAccessKey } from '../../shared/icao9303/mrz';
import { cccdCan } from '../../shared/icao9303/pace';
import { buildCardAccess, FAKE_CARD, fakeCard, fakeCardFiles } from '../support/cccdChip';
import { findPcscd, startPcscd, type Pcscd } from '../support/pcscd';
import { createVpcdCard, DEFAULT_ATR, type VpcdCard } from '../support/vpcdCard';
import { kioskErrorOf } from '../support/errors';
import { detectDevices } from '../../electron/host/devices/detect';
import { probe, quiet } from '../support/detect';

/**
 * The PC/SC driver through the real stack: @pokusew/pcsclite → libpcsclite → pcscd → vsmartcard's
 * vpcd reader driver → TCP → a virtual card in this process that plays the simulated CCCD chip.
 */

const READER = 'Virtual PCD 00 00';
const accessKey = cccdAccessKey(FAKE_CARD.number, FAKE_CARD.dateOfBirth, FAKE_CARD.dateOfExpiry);

async function readDocument(transmit: Transmit, key: MrzAccessKey) {
  await selectEmrtdApplication(plainChannel(transmit));
  const channel = await authenticateWithBac(transmit, crypto, key);
  return {
    com: await readFile(channel, FILE_ID.com),
    dg1: await readFile(channel, FILE_ID.dataGroup(1)),
    dg13: await readFile(channel, FILE_ID.dataGroup(13)),
  };
}


function stateReached(reader: PcscCardReader, state: DeviceStatus['state'], timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (reader.status().state === state) return resolve();
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`status stayed ${reader.status().state}, not ${state}`));
    }, timeoutMs);
    const stop = reader.onStatus((status) => {
      if (status.state !== state) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

const onReader = (readers: PcscReaderState[]) => readers.find((reader) => reader.name === READER);

const pcscdBinary = findPcscd();
if (!pcscdBinary) console.warn('pcscReader.test.ts: SKIPPED, pcscd is not installed (apt-get install pcscd vsmartcard-vpcd pcsc-tools)');

describe.skipIf(!pcscdBinary)('the PC/SC chip reader against pcscd and a vpcd virtual card', () => {
  let pcscd: Pcscd;
  let reader: PcscCardReader;
  let card: VpcdCard;
  let pullAt: ((index: number) => void) | null = null;
  /** Set by a test whose card offers PACE (EF.CardAccess and its CAN). */
  let pace: { cardAccess: Uint8Array; can: string } | undefined;
  const chip = () => createSimulatedChip({ crypto, accessKey, files: fakeCardFiles(), ...pace });

  beforeAll(async () => {
    if (!existsSync('/etc/reader.conf.d/vpcd')) throw new Error('vsmartcard-vpcd is not installed: pcscd has no virtual reader');
    pcscd = await startPcscd();
    reader = createPcscCardReader({ retryMs: 100 });
    card = createVpcdCard({ chip, onCommand: (_command, index) => pullAt?.(index) });
    await stateReached(reader, 'ready');
  });

  afterEach(async () => {
    pullAt = null;
    pace = undefined;
    card.remove();
    await reader.waitForRemoval({ signal: AbortSignal.timeout(5_000) });
  });

  afterAll(async () => {
    card?.remove();
    await reader?.close();
    await pcscd?.stop();
  });

  test('lists the virtual readers and follows the card on and off', async () => {
    expect(reader.readers().map(({ name }) => name)).toEqual(expect.arrayContaining([READER, 'Virtual PCD 00 01']));
    expect(onReader(reader.readers())?.card).toBe('absent');
    const seen: string[] = [];
    const stop = reader.onReaders((readers) => seen.push(onReader(readers)?.card ?? 'gone'));

    await card.insert();
    const present = await reader.waitForCard({ timeoutMs: 5_000 });
    expect(present).toEqual({ name: READER, card: 'present', atr: DEFAULT_ATR });
    card.remove();
    await reader.waitForRemoval({ signal: AbortSignal.timeout(5_000) });
    stop();

    expect(onReader(reader.readers())).toMatchObject({ card: 'absent', atr: null });
    expect(seen.filter((state, i) => state !== seen[i - 1])).toEqual(['present', 'absent']);
    expect(reader.status().state).toBe('ready');
    expect(reader.problem()).toBeNull();
  });

  test('reads EF.COM, DG1 and DG13 through pcscd with BAC and secure messaging, byte for byte', async () => {
    await card.insert();
    const states: string[] = [];
    const document = await reader.withCard(
      async (transmit, on) => {
        states.push(reader.status().state, on.name);
        return readDocument(transmit, accessKey);
      },
      { timeoutMs: 5_000 },
    );

    const files = fakeCardFiles();
    expect(document.com).toEqual(files.get(FILE_ID.com));
    expect(document.dg1).toEqual(files.get(FILE_ID.dataGroup(1)));
    expect(document.dg13).toEqual(files.get(FILE_ID.dataGroup(13)));
    expect(states).toEqual(['busy', READER]);
    expect(reader.status().state).toBe('ready');
    // The reads really crossed pcscd: the virtual card saw them, wrapped in secure messaging (CLA 0C).
    expect(card.commands.filter((command) => command[0] === 0x0c && command[1] === 0xb0).length).toBeGreaterThanOrEqual(6);
  });

  test("the host's whole chip read goes through pcscd: PACE with the number's CAN, AES secure messaging, passive authentication against a CSCA file", async () => {
    const { cscaPem } = fakeCard();
    const dir = mkdtempSync(path.join(tmpdir(), 'csca-'));
    try {
      const cscaFile = path.join(dir, 'csca.pem');
      writeFileSync(cscaFile, cscaPem);
      pace = { cardAccess: buildCardAccess(2, 13), can: cccdCan(FAKE_CARD.number) };
      await card.insert();
      const before = card.commands.length;
      const read = await readChip(reader, { can: cccdCan(FAKE_CARD.number) }, { driver: 'pcsc', cscaFile });
      expect(read.personalData?.fullName).toBe('Trần Thị Thử');
      expect(read.passiveAuthentication).toEqual({ outcome: 'genuine' });
      // PACE crossed pcscd: four General Authenticates (INS 86), and no BAC (INS 82).
      const commands = card.commands.slice(before);
      expect(commands.filter((command) => command[1] === 0x86)).toHaveLength(4);
      expect(commands.some((command) => command[1] === 0x82)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The 40 kB portrait takes some 200 READ BINARYs, each a round trip through pcscd and vpcd.
  }, 60_000);

  test('a wrong MRZ is card.wrongMrz', async () => {
    await card.insert();
    const wrongBirthDate = { ...accessKey, dateOfBirth: '900316' };
    const error = await kioskErrorOf(reader.withCard((transmit) => readDocument(transmit, wrongBirthDate), { timeoutMs: 5_000 }));
    expect(error.code).toBe('card.wrongMrz');
  });

  test('a card pulled while a command is in flight is card.removed, and the reader sees it go', async () => {
    await card.insert();
    const before = card.commands.length;
    // The 8th command reads EF.COM's rest: BAC is done, the read has begun, and the chip never answers.
    pullAt = (index) => {
      if (index === before + 7) card.remove();
    };
    const error = await kioskErrorOf(reader.withCard((transmit) => readDocument(transmit, accessKey), { timeoutMs: 5_000 }));
    // vpcd reports the lost command as an empty answer, no PC/SC error: the reader's state tells why.
    expect(error.toShape()).toEqual({ code: 'card.removed', params: { pcsc: 'none' } });
    expect(onReader(reader.readers())?.card).toBe('absent');
    expect(reader.status().state).toBe('ready');
  });

  test('a card pulled between two commands is card.removed too', async () => {
    await card.insert();
    const error = await kioskErrorOf(
      reader.withCard(
        async (transmit) => {
          await selectEmrtdApplication(plainChannel(transmit));
          card.remove();
          await reader.waitForRemoval({ signal: AbortSignal.timeout(5_000) });
          return readDocument(transmit, accessKey);
        },
        { timeoutMs: 5_000 },
      ),
    );
    expect(error.toShape()).toEqual({ code: 'card.removed', params: { pcsc: '80100069' } }); // SCARD_W_REMOVED_CARD
  });

  test('no card in time is card.noCard', async () => {
    expect((await kioskErrorOf(reader.withCard(async () => 'read', { timeoutMs: 300 }))).code).toBe('card.noCard');
  });

  test('pcscd stopping mid-read is card.readerUnplugged; the readers come back with it', async ({ skip }) => {
    if (!pcscd.owned) skip('pcscd was already running, so these tests may not stop it');
    await card.insert();
    const before = card.commands.length;
    let stopped: Promise<void> | undefined;
    pullAt = (index) => {
      if (index === before + 7) stopped = pcscd.stop();
    };
    const error = await kioskErrorOf(reader.withCard((transmit) => readDocument(transmit, accessKey), { timeoutMs: 5_000 }));
    expect(error.code).toBe('card.readerUnplugged');
    // A new pcscd refuses to start while the old one's pid file is there.
    await stopped;
    await stateReached(reader, 'error');
    expect(reader.problem()?.toShape()).toEqual({ code: 'card.driverUnavailable', params: { reason: 'service' } });
    expect(reader.readers()).toEqual([]);
    pullAt = null;

    // A pcscd without readers: the device is offline and says why.
    const emptyConfig = mkdtempSync(path.join(tmpdir(), 'pcscd-no-readers-'));
    try {
      pcscd = await startPcscd({ configDir: emptyConfig });
      await stateReached(reader, 'offline');
      expect(reader.problem()?.code).toBe('card.noReader');
      expect((await kioskErrorOf(reader.withCard(async () => 'read', { timeoutMs: 300 }))).code).toBe('card.noReader');
      await pcscd.stop();
    } finally {
      rmSync(emptyConfig, { recursive: true });
    }

    // The readers come back, and a read waiting for a card gets one.
    pcscd = await startPcscd();
    const waiting = reader.withCard((transmit) => readDocument(transmit, accessKey), { timeoutMs: 10_000 });
    await stateReached(reader, 'ready');
    card.remove();
    await card.insert();
    expect((await waiting).dg13).toEqual(fakeCardFiles().get(FILE_ID.dataGroup(13)));
  });
});

test('without the native module the reader reports card.driverUnavailable instead of failing the host', async () => {
  const reader = createPcscCardReader({ load: () => Promise.reject(new Error("Cannot find module '@pokusew/pcsclite'")) });
  await stateReached(reader, 'error');
  expect(reader.problem()?.toShape()).toEqual({ code: 'card.driverUnavailable', params: { reason: 'module' } });
  expect((await kioskErrorOf(reader.withCard(async () => 'read', { timeoutMs: 1_000 }))).code).toBe('card.driverUnavailable');
  await reader.close();
});

// Here, not in detectDevices.test.ts: one pcscd serves the machine, and test files run side by side.
describe.skipIf(!pcscdBinary)('device detection: card readers from pcscd', () => {
  let pcscd: Pcscd;
  beforeAll(async () => {
    pcscd = await startPcscd();
  });
  afterAll(async () => {
    await pcscd?.stop();
  });

  test("vpcd's virtual readers, each { driver: 'pcsc' } named by the reader", async () => {
    const pcsc = probe(await detectDevices(quiet), 'pcsc');
    expect(pcsc.available).toBe(true);
    expect(pcsc.candidates).toEqual(
      expect.arrayContaining(['Virtual PCD 00 00', 'Virtual PCD 00 01'].map((label) => ({ kind: 'cardReader', label, config: { driver: 'pcsc' } }))),
    );
  });

  test('a pcscd socket nobody listens on: not running', async () => {
    const saved = process.env.PCSCLITE_CSOCK_NAME;
    process.env.PCSCLITE_CSOCK_NAME = '/nonexistent/pcscd.comm';
    try {
      const pcsc = probe(await detectDevices(quiet), 'pcsc');
      expect(pcsc).toMatchObject({ available: false, reason: 'notRunning', candidates: [] });
    } finally {
      if (saved === undefined) delete process.env.PCSCLITE_CSOCK_NAME;
      else process.env.PCSCLITE_CSOCK_NAME = saved;
    }
  });
});
