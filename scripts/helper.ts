import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { HelperAccount, KioskConfig } from '../shared/config';
import { writeFileAtomic } from '../electron/host/atomicFile';
import { hashPin } from '../electron/host/helpers';
import { Pin, PIN_DIGITS } from '../shared/setup';

/**
 * `npm run helper -- add <id> "<name>"`, `remove <id>`, `list`: the helpers who may sign in at this
 * kiosk, in its config file (`kiosk-config.json` in KIOSK_DATA_DIR, `.data` by default, or the
 * file KIOSK_CONFIG names, such as Electron's), after the setup wizard named the first ones.
 * The PIN (6 to 12 digits) is asked twice, hidden, or read as one line from a pipe; only its
 * PBKDF2 hash is written. The kiosk reads the file at its next start.
 */
const root = path.resolve(import.meta.dirname, '..');
const file = process.env.KIOSK_CONFIG ?? path.join(path.resolve(process.env.KIOSK_DATA_DIR ?? path.join(root, '.data')), 'kiosk-config.json');

async function readPin(prompt: string): Promise<string> {
  const input = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  if (process.stdin.isTTY) {
    process.stdout.write(prompt);
    // Nothing of the PIN is echoed: readline's own output goes nowhere while it is typed.
    (input as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => undefined;
  }
  const line = await new Promise<string>((resolve) => input.once('line', resolve));
  input.close();
  if (process.stdin.isTTY) process.stdout.write('\n');
  return line.trim();
}

async function main([command, id, name]: string[]): Promise<string> {
  const stored = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as { helpers?: HelperAccount[] };
  const helpers = stored.helpers ?? [];
  if (command === 'list') return helpers.map((helper) => `${helper.id}\t${helper.name}`).join('\n') || 'no helpers';
  if (command === 'remove' && id) {
    if (!helpers.some((helper) => helper.id === id)) throw new Error(`no helper ${id}`);
    stored.helpers = helpers.filter((helper) => helper.id !== id);
  } else if (command === 'add' && id && name) {
    const pin = await readPin(`PIN for ${name} (6 to 12 digits): `);
    if (!Pin.safeParse(pin).success) throw new Error(`a PIN is ${PIN_DIGITS.min} to ${PIN_DIGITS.max} digits`);
    if (process.stdin.isTTY && (await readPin('Again: ')) !== pin) throw new Error('the two PINs differ');
    const account = HelperAccount.parse({ id, name, pinHash: await hashPin(pin) });
    stored.helpers = [...helpers.filter((helper) => helper.id !== id), account];
  } else {
    throw new Error('usage: npm run helper -- add <id> "<name>" | remove <id> | list');
  }
  // The whole file must still be a config the kiosk starts with.
  KioskConfig.parse(stored);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(stored, null, 2)}\n`);
  return `${command === 'add' ? 'added' : 'removed'} ${id} in ${file}`;
}

main(process.argv.slice(2)).then(
  (message) => console.log(message),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
