import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { toHex } from '../../shared/icao9303/bytes';
import { cccdAccessKey } from '../../shared/icao9303/mrz';
import { FAKE_CARD, fakeCard } from './cccdChip';

/**
 * `npx tsx test/support/simulatorCard.ts`: writes the simulated card reader's card (assets/simulator/):
 * the fake card of the tests, its SOD signed under a throwaway CSCA whose certificate is written
 * beside it, so a technician can try loading a CSCA file. Its keys are not kept. Run again only to
 * change the card; test/node/cardReader.test.ts checks the committed one.
 */
const out = path.resolve(import.meta.dirname, '../../assets/simulator');
const card = fakeCard('ecdsaP256');
const files = Object.fromEntries([...card.files].map(([fid, bytes]) => [fid.toString(16).toUpperCase().padStart(4, '0'), toHex(bytes)]));
const accessKey = cccdAccessKey(FAKE_CARD.number, FAKE_CARD.dateOfBirth, FAKE_CARD.dateOfExpiry);
writeFileSync(path.join(out, 'cccd-card.json'), `${JSON.stringify({ accessKey, files }, null, 2)}\n`);
writeFileSync(path.join(out, 'csca.pem'), card.cscaPem);
console.log(`simulator card: ${Object.keys(files).join(', ')} → ${out}`);
