import { z } from 'zod';

/** A procedure as the kiosk offers it. The full schema (documents, form, legal basis) is issue 3. */
export const Procedure = z.object({
  /** Code in the national TTHC database (Cơ sở dữ liệu quốc gia về thủ tục hành chính). */
  code: z.string().regex(/^\d\.\d{6}$/),
  name: z.object({ vi: z.string().min(1), en: z.string().min(1) }),
  /** Fee for online submission, in đồng; 0 when free. */
  feeVnd: z.number().int().nonnegative(),
});
export type Procedure = z.infer<typeof Procedure>;

export const Catalogue = z.object({
  version: z.string().min(1),
  procedures: z.array(Procedure).min(1),
});
export type Catalogue = z.infer<typeof Catalogue>;

/** Catalogue files are a trust boundary: parse them, and fail loudly on a bad one. */
export const parseCatalogue = (data: unknown): Catalogue => Catalogue.parse(data);
