import type { StateCreator } from 'zustand';

/** A signed-in helper: the host's session token (in memory only) and who they are. */
export interface SignedInHelper {
  token: string;
  id: string;
  name: string;
  role: 'helper' | 'technician';
}

/** The helper's desk: its first screen, the queue, the reports, and a technician's tools. */
export type DeskView = 'home' | 'queue' | 'reports' | 'technician';

export interface HelperSlice {
  helper: SignedInHelper | null;
  /**
   * The helper's desk, shown over whatever screen the kiosk is on (null: that screen shows). The
   * citizen's session stays in the store beneath it, untouched.
   */
  desk: DeskView | null;
  /** The helper has taken over the citizen's session: each screen passed is audited under their id. */
  assisting: boolean;
  /** The dossier open in the queue's care screen, if one is. */
  caring: string | null;
  signedIn(helper: SignedInHelper): void;
  /** Nobody at the desk any more: it closes, and assisting ends. */
  signedOut(): void;
  openDesk(view: DeskView): void;
  closeDesk(): void;
  startAssisting(): void;
  care(dossierId: string | null): void;
}

export const createHelperSlice: StateCreator<HelperSlice> = (set) => ({
  helper: null,
  desk: null,
  assisting: false,
  caring: null,
  signedIn: (helper) => set({ helper }),
  signedOut: () => set({ helper: null, desk: null, assisting: false, caring: null }),
  openDesk: (desk) => set({ desk }),
  closeDesk: () => set({ desk: null }),
  startAssisting: () => set({ assisting: true, desk: null }),
  care: (caring) => set({ caring }),
});
