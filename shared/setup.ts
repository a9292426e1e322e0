import { z } from 'zod';
import { DeviceConfigs, Helper, PaperWidth } from './config';
import { fold } from './text';

/** How long a PIN is: long enough that the lockout makes guessing hopeless, short enough to remember. */
export const PIN_DIGITS = { min: 6, max: 12 } as const;
/** A helper's or technician's PIN as typed: digits only. */
export const Pin = z.string().regex(new RegExp(`^\\d{${PIN_DIGITS.min},${PIN_DIGITS.max}}$`), `${PIN_DIGITS.min} to ${PIN_DIGITS.max} digits`);

const Person = z.object({ name: z.string().trim().min(1).max(80), pin: Pin });
export type SetupPerson = z.infer<typeof Person>;

/**
 * What the technician answers in the first-run setup wizard (renderer/setup/), which the host turns
 * into the kiosk's config file (electron/host/setup.ts). PINs cross to the host once, here, and
 * only their hashes are kept.
 */
export const SetupAnswers = z.object({
  /** A commune, ward or special zone of the 2025 units (shared/adminUnits.ts): 5 digits. */
  communeCode: z.string().regex(/^\d{5}$/),
  /** How receipts, reports and the portal name this support point. */
  name: z.string().trim().min(1).max(60),
  portal: z.object({
    url: z.url({ protocol: /^https?$/ }),
    /** The portal operator's one-time code, handed to the technician for this kiosk. */
    enrolmentCode: z.string().trim().min(1).max(100),
  }),
  technician: Person,
  helpers: z.array(Person).max(30),
  /** The catalogue's procedure codes this support point offers; at least one. */
  procedures: z.array(z.string().min(1)).min(1),
  paper: PaperWidth,
  /** The devices the technician chose among those detected (setup.detectDevices), by kind; a kind not chosen keeps the running device. */
  devices: DeviceConfigs.optional(),
  /** The province's signed provisioning the answers started from (shared/provisioning.ts): the host holds the commune and portal to it. */
  provisioning: z.string().max(4096).optional(),
});
export type SetupAnswers = z.infer<typeof SetupAnswers>;

/**
 * A technician's change to the settings after setup (the technician desk): any of devices, paper,
 * procedures, and helpers added (with their PINs, hashed by the host) or removed by id. What is
 * left out stays as it is.
 */
export const SettingsChange = z.object({
  devices: DeviceConfigs.optional(),
  paper: PaperWidth.optional(),
  procedures: SetupAnswers.shape.procedures.optional(),
  addHelpers: z.array(Person).max(30).optional(),
  removeHelpers: z.array(z.string().min(1)).max(30).optional(),
});
export type SettingsChange = z.infer<typeof SettingsChange>;

/**
 * How the enrolment went (done, or left for the first sync because the portal could not be reached
 * today), and the technician, signed in to test the devices before the kiosk opens.
 */
export const SetupOutcome = z.object({
  enrolment: z.discriminatedUnion('state', [
    z.object({ state: z.literal('enrolled'), kioskId: z.string().min(1) }),
    z.object({ state: z.literal('waiting') }),
  ]),
  technician: z.object({ token: z.string(), helper: Helper }),
});
export type SetupOutcome = z.infer<typeof SetupOutcome>;

/**
 * An audit-log id for a person, from their name: "Nguyễn Thị Lan" → `nguyen-thi-lan`, then
 * `nguyen-thi-lan-2` when that is taken. Ids, not names, go in the audit log.
 */
export function personId(name: string, taken: ReadonlySet<string>): string {
  const base = fold(name).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 28) || 'nguoi';
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  return id;
}
