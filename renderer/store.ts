import { create } from 'zustand';
import { createFlowSlice, type FlowSlice } from './citizen/flowSlice';
import { createSessionSlice, type SessionSlice } from './shell/sessionSlice';

export type Store = FlowSlice & SessionSlice;

/** One store built from the feature slices. */
export const useStore = create<Store>()((...args) => ({
  ...createFlowSlice(...args),
  ...createSessionSlice(...args),
}));
