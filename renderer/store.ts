import { create } from 'zustand';
import { createFlowSlice, type FlowSlice } from './citizen/flowSlice';
import { createHelperSlice, type HelperSlice } from './helper/helperSlice';
import { createSessionSlice, type SessionSlice } from './shell/sessionSlice';

export type Store = FlowSlice & SessionSlice & HelperSlice;

/** One store built from the feature slices. */
export const useStore = create<Store>()((...args) => ({
  ...createFlowSlice(...args),
  ...createSessionSlice(...args),
  ...createHelperSlice(...args),
}));
