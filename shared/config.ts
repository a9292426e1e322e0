import { z } from 'zod';
import { PaymentAccount } from './dossier/vietqr';

/** The bundled reference portal's address: the default portal of `npm start` and of the tests. */
export const DEFAULT_PORTAL_URL = 'http://127.0.0.1:8787';

const DeviceConfig = z.object({
  driver: z.literal('simulator'),
  /** How long the simulated device takes to come up, as a real one does after boot. */
  connectDelayMs: z.number().int().nonnegative().default(800),
});

/** The commune's account that receives fees by VietQR, with the name the payer's bank app shows. */
export const Payee = PaymentAccount.extend({ accountName: z.string().min(1) });
export type Payee = z.infer<typeof Payee>;

export const KioskConfig = z.object({
  commune: z.object({ code: z.string(), name: z.string() }).nullable().default(null),
  /**
   * Below this much free browser storage the kiosk takes no new dossier (quality target R5: about
   * 70 dossiers of 7 MB), so a citizen never fills in a form that cannot be saved.
   */
  minFreeStorageBytes: z.number().int().nonnegative().default(500 * 1024 * 1024),
  /**
   * Days a dossier's personal data stays on the kiosk after the portal accepted it (for reprints and
   * questions at the counter); then its key is destroyed (crypto-shredding, quality target D2).
   */
  retentionDays: z.number().nonnegative().default(30),
  /** A technician's explicit acceptance of a machine whose key store is not protected (Linux basic_text). */
  acceptWeakKeyStore: z.boolean().default(false),
  /** Without one, fees are paid at the counter. */
  payee: Payee.nullable().default(null),
  portal: z.object({
    url: z.url(),
    timeoutMs: z.number().int().positive().default(5000),
    /** A one-time code from the portal operator: the kiosk enrols with it on its first start. */
    enrolmentCode: z.string().min(1).optional(),
  }).default({
    url: DEFAULT_PORTAL_URL,
    timeoutMs: 5000,
  }),
  devices: z
    .object({
      qrScanner: DeviceConfig.optional(),
      cardReader: DeviceConfig.optional(),
      documentScanner: DeviceConfig.optional(),
      printer: DeviceConfig.optional(),
    })
    .default({
      qrScanner: { driver: 'simulator', connectDelayMs: 800 },
      cardReader: { driver: 'simulator', connectDelayMs: 800 },
      documentScanner: { driver: 'simulator', connectDelayMs: 800 },
      printer: { driver: 'simulator', connectDelayMs: 800 },
    }),
});
export type KioskConfig = z.infer<typeof KioskConfig>;
export type KioskConfigInput = z.input<typeof KioskConfig>;
