/**
 * The citizen's consent to the personal-data notice, given before anything of theirs is read (Law
 * 91/2025/QH15 Điều 9: voluntary, informed of the data, purpose, controller and rights, and
 * explicit). It is kept with the dossier's answers as proof: the wording they saw and when.
 */
export const CONSENT_ANSWER = 'personalDataConsent';
/** Changes whenever the notice's wording (i18n `consent.*`) changes in substance. */
export const CONSENT_WORDING = 'pdp-2026-1';
export const consentRecord = (consentedAt: string): string => `${CONSENT_WORDING} ${consentedAt}`;
