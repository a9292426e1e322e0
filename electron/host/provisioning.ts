import { readFile } from 'node:fs/promises';
import { KioskConfig, type KioskConfigInput } from '../../shared/config';
import { KioskError } from '../../shared/errors';

/**
 * Loads the kiosk's config file. A kiosk that was never set up runs on the defaults (the bundled
 * reference portal, simulated devices); a file that exists but is broken stops the start with a
 * clear error instead of silently falling back. Enrolment and atomic save come with issue 8.
 */
export async function loadConfig(file: string, overrides: KioskConfigInput = {}): Promise<KioskConfig> {
  let stored: unknown = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new KioskError('config.invalid', { file }, { cause: error });
    }
  }
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    throw new KioskError('config.invalid', { file });
  }
  const parsed = KioskConfig.safeParse({ ...stored, ...overrides });
  if (!parsed.success) throw new KioskError('config.invalid', { file }, { cause: parsed.error });
  return parsed.data;
}
