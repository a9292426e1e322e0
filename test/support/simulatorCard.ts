import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { toHex } from '../../shared/icao9303/bytes';
import { cccdAccessKey } from '../../shared/icao9303/mrz';
import { cccdCan } from '../../shared/icao9303/pace';
import { buildCardAccess, FAKE_CARD, fakeCard } from './cccdChip';

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
// PACE with the CAN (AES-128, brainpoolP256r1) as well as BAC, as on CCCDs (facts.md §2.2).
const pace = { cardAccess: toHex(buildCardAccess(2, 13)), can: cccdCan(FAKE_CARD.number) };
writeFileSync(path.join(out, 'cccd-card.json'), `${JSON.stringify({ accessKey, ...pace, files }, null, 2)}\n`);
writeFileSync(path.join(out, 'csca.pem'), card.cscaPem);
console.log(`simulator card: ${Object.keys(files).join(', ')} → ${out}`);
