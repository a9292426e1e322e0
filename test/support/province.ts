import path from 'node:path';
import { KioskConfig } from '../../shared/config';
import { startWebHost, type WebHost } from '../../electron/webhost';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import { assetsDir, memoryLogger, rendererDir, tempDir } from './kiosk';

export interface Province {
  portal: Awaited<ReturnType<typeof startReferencePortal>>;
  /** Enrols one more kiosk with the province's portal: its own web host, files and IndexedDB origin. */
  kiosk(): Promise<WebHost>;
  close(): Promise<void>;
}

/**
 * One reference portal and as many kiosks as a test asks for, as in a province where a citizen may
 * come back to any kiosk. test/support/kiosk.ts starts one portal per kiosk instead.
 */
export async function startProvince(): Promise<Province> {
  const data = tempDir('province');
  const portal = await startReferencePortal({ dbFile: path.join(data.dir, 'portal.sqlite'), port: 0, uploadDir: path.join(data.dir, 'uploads') });
  const kiosks: WebHost[] = [];
  return {
    portal,
    async kiosk() {
      const config = KioskConfig.parse({ portal: { url: portal.url, enrolmentCode: portal.createEnrolmentCode().code } });
      const dataDir = tempDir('kiosk', data.dir).dir;
      const webHost = await startWebHost({ config, rendererDir, dataDir, assetsDir, version: '0.0.0-test', log: memoryLogger().log });
      kiosks.push(webHost);
      return webHost;
    },
    async close() {
      for (const webHost of kiosks) await webHost.close();
      await portal.app.close();
      data.remove();
    },
  };
}
