import { fold } from './text';

/**
 * Redaction of personal data from anything the kiosk writes for people to read later: its log
 * lines, and the diagnostics bundle a technician carries away on a USB stick (Law 91/2025/QH15:
 * a citizen's data leaves the kiosk only in their dossier). Pure, so the host and tests share it.
 *
 * Two nets: values under keys that name personal data or secrets are dropped whatever they hold,
 * and every string is searched for what personal data looks like in free text (numbers of nine
 * digits and more, e-mail addresses, the CCCD's QR payload and MRZ, passwords in URLs). A name in
 * free text has no shape to find: keys are what protect names.
 */

/** What a dropped value becomes; the key stays, so a reader sees that something was there. */
export const REDACTED = '[redacted]';

/** Keys as the code base, the portal package (facts.md §4.2) and the chip (DG13) name personal data, folded and without separators. */
const SENSITIVE_KEYS = new Set([
  // Names.
  'name', 'fullname', 'hoten', 'hovaten', 'surname', 'givennames', 'fathername', 'mothername', 'spousename', 'applicantname', 'chuhoso', 'trichyeuhoso',
  // Identity numbers and what opens the chip.
  'cccd', 'cmnd', 'cccdnumber', 'idnumber', 'oldid', 'oldidnumber', 'applicantnumber', 'sogiaytochuhoso', 'socccd', 'socmnd', 'sodinhdanh', 'documentnumber', 'can', 'accesskey', 'mrz',
  // Birth, residence, contact.
  'dob', 'birthdate', 'dateofbirth', 'ngaysinh', 'dateofexpiry', 'placeofbirth', 'noisinh', 'diachi', 'placeofresidence', 'placeoforigin', 'quequan', 'noithuongtru',
  'sodienthoai', 'sdt', 'dienthoai', 'mobile', 'tel', 'telephone',
  // What the card says of the person, and their face.
  'gender', 'gioitinh', 'sex', 'ethnicity', 'dantoc', 'religion', 'tongiao', 'identifyingmarks', 'face', 'photo', 'portrait',
  // Whole records of a person: a dossier's answers, the chip's DG13, the card's identity.
  'answers', 'personaldata', 'identity',
  // Secrets.
  'pin', 'passphrase', 'enrolmentcode', 'enrollmentcode', 'privatekey', 'apikey', 'authorization', 'cookie',
]);
/** Endings that name personal data or a secret whatever comes before: applicantPhone, tempAddress, father.fullName, pinHash. */
const SENSITIVE_ENDINGS = ['fullname', 'phone', 'phonenumber', 'address', 'dateofbirth', 'email', 'pinhash', 'password', 'secret', 'token'];

/** Person blocks name their steps `<block>.<field>` (`father.fullName`): the field decides. */
function isSensitiveKey(key: string): boolean {
  const folded = fold(key.slice(key.lastIndexOf('.') + 1)).replace(/[^a-z0-9]/g, '');
  return SENSITIVE_KEYS.has(folded) || SENSITIVE_ENDINGS.some((ending) => folded.endsWith(ending));
}

const HEX = '[0-9a-fA-F]';
/**
 * One pass over the text, leftmost match first. Identifiers that only look like numbers (UUIDs,
 * hashes, ISO dates, IPv4 addresses) are matched first so that they are kept whole; a run of nine
 * digits or more is then personal whatever its grouping: a CMND (9), a phone (10–11, +84), a CCCD
 * (12), or two of them side by side. Each alternative starts only where its kind of token starts,
 * so a long word is not rescanned from every letter.
 */
const PATTERN = new RegExp(
  [
    String.raw`(?<url>\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^\s/@]+@`,
    String.raw`(?<![\p{L}\p{N}._%+-])(?<email>[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)`,
    // The card's QR: number|old number|name|birth|gender|address|issue date, seven fields or more.
    String.raw`(?<![^\s|])(?<qr>[^\s|]*(?:\|[^|\n]*){6,})`,
    String.raw`(?<![0-9a-fA-F])(?<keep>${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}|${HEX}{40,})`,
    String.raw`(?<![\d.])(?<date>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?![\d-]))`,
    String.raw`(?<![\d.])(?<ip>(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]))`,
    // The MRZ's name line (NGUYEN<<THI<CANARY<<<…) and its other lines.
    String.raw`(?<![A-Z0-9<])(?<mrz>(?=[A-Z0-9<]{10})[A-Z0-9<]*<<[A-Z0-9<]*)`,
    String.raw`(?<digits>\d(?:[ .-]?\d)*)`,
  ].join('|'),
  'gu',
);

/** At least this many digits in a row (spaces, dots and hyphens between them aside) is a personal number. */
const PERSONAL_DIGITS = 9;

function numberLabel(digits: string): string {
  if (digits.length === 12) return '[cccd]';
  if (digits.length === 9) return '[cmnd]';
  return /^(?:0\d{9,10}|84\d{9,10})$/.test(digits) ? '[phone]' : '[number]';
}

/** The text with every personal number, e-mail address, card QR payload, MRZ and URL password masked. */
export function redactText(text: string): string {
  return text.replace(PATTERN, (match, ...args: unknown[]) => {
    const groups = args.at(-1) as Record<string, string | undefined>;
    if (groups.url !== undefined) return `${groups.url}${REDACTED}@`;
    if (groups.email !== undefined) return '[email]';
    if (groups.qr !== undefined) return '[cccd-qr]';
    if (groups.mrz !== undefined) return '[mrz]';
    if (groups.digits !== undefined) {
      const digits = match.replace(/\D/g, '');
      return digits.length >= PERSONAL_DIGITS ? numberLabel(digits) : match;
    }
    return match;
  });
}

const hasToJson = (value: object): value is { toJSON(): unknown } => typeof (value as { toJSON?: unknown }).toJSON === 'function';

function walk(value: unknown, ancestors: readonly object[]): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  // An error keeps the shape the log always gave it; its message may quote what was typed.
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (ancestors.includes(value)) return '[circular]';
  if (hasToJson(value)) return walk(value.toJSON(), ancestors);
  const inner = [...ancestors, value];
  if (Array.isArray(value)) return value.map((item) => walk(item, inner) ?? null);
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, isSensitiveKey(key) && item != null ? REDACTED : walk(item, inner)]),
  );
}

/**
 * A redacted copy of any value, ready for JSON.stringify: values under personal or secret keys
 * dropped at any depth, every string passed through redactText, errors as `{name, message}`.
 * Numbers are kept: sizes and times are numbers, and an ID held as a number has lost its leading 0.
 */
export const redact = (value: unknown): unknown => walk(value, []);

/**
 * One line of a log or of the audit log, redacted: a JSON object or array value by value, any
 * other line as text. A line with nothing to redact comes back byte for byte, so the audit log's
 * hash chain still checks in a copy.
 */
export function redactLogLine(line: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return redactText(line);
  }
  // A bare number or string is text: JSON.parse would read "079123456789" as 79123456789.
  if (parsed === null || typeof parsed !== 'object') return redactText(line);
  const redacted = JSON.stringify(redact(parsed));
  return redacted === JSON.stringify(parsed) ? line : redacted;
}
