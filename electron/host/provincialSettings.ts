import { KioskError } from '../../shared/errors';
import { PROVINCIAL_SETTINGS_FORMAT, ProvincialSettings } from '../../shared/provincialSettings';
import { verifyProvincial, type ProvinceKeys } from './provincial';

/**
 * The province's settings as the portal passes them on (null: it has none for this kiosk), checked
 * offline: settings.untrusted unless a pinned key signed them, settings.invalid when they are not
 * settings this kiosk can take (a warning shorter than WCAG allows, an unknown field).
 */
export function verifyProvincialSettings(text: string | null, keys: ProvinceKeys): ProvincialSettings | null {
  if (text === null) return null;
  const verified = verifyProvincial(PROVINCIAL_SETTINGS_FORMAT, text, keys);
  if (!verified.ok) throw new KioskError(verified.reason === 'untrusted' ? 'settings.untrusted' : 'settings.invalid');
  const settings = ProvincialSettings.safeParse(verified.document);
  if (!settings.success) throw new KioskError('settings.invalid');
  return settings.data;
}
