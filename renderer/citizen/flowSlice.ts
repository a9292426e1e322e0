import type { StateCreator } from 'zustand';
import type { Dossier } from '../../shared/dossier/dossier';
import type { Procedure } from '../../shared/dossier/procedures';

export type Route = 'attract' | 'procedures' | 'question' | 'saved' | 'queue';

/** Where the citizen is, and their answers so far. Screen state only: dossiers live in the queue. */
export interface FlowSlice {
  route: Route;
  procedure: Procedure | null;
  phone: string;
  saved: Dossier | null;
  go(route: Route): void;
  pickProcedure(procedure: Procedure): void;
  setPhone(phone: string): void;
  /** Called after the queue committed the dossier, never before. */
  showSaved(dossier: Dossier): void;
  /** Back to the attract screen with nothing of the last citizen left on screen. */
  reset(): void;
}

const empty = { route: 'attract', procedure: null, phone: '', saved: null } as const;

export const createFlowSlice: StateCreator<FlowSlice> = (set) => ({
  ...empty,
  go: (route) => set({ route }),
  pickProcedure: (procedure) => set({ procedure, route: 'question' }),
  setPhone: (phone) => set({ phone }),
  showSaved: (saved) => set({ saved, route: 'saved', phone: '' }),
  reset: () => set(empty),
});
