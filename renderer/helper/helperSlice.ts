import type { StateCreator } from 'zustand';

/** A signed-in helper: the host's session token (in memory only) and who they are. */
export interface SignedInHelper {
  token: string;
  id: string;
  name: string;
}

export interface HelperSlice {
  helper: SignedInHelper | null;
  setHelper(helper: SignedInHelper | null): void;
}

export const createHelperSlice: StateCreator<HelperSlice> = (set) => ({
  helper: null,
  setHelper: (helper) => set({ helper }),
});
