import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The renderer bundle (renderer/ → renderer/dist), served by app:// under Electron and by the web host. */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'chrome120',
    // Inline assets would be data: URLs; keep fonts as files so the CSP's font-src 'self' holds.
    assetsInlineLimit: 0,
    // Loaded from disk by the kiosk, never over a network: one bundle is fine.
    chunkSizeWarningLimit: 2000,
  },
});
