import path from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, protocol, safeStorage, session } from 'electron';
import { createFileLogger } from './host/log';
import { loadConfig } from './host/provisioning';
import { serveIpc } from './ipc';
import { appSchemePrivileges, lockDownSession, openKioskWindow, registerAppProtocol } from './kioskWindow';
import { createSetupHost } from './host/setup';
import { checkKeyCustody } from './host/vault';

/** Electron composition root: load config → create the host → serve IPC → open the kiosk window. */
const log = createFileLogger({ dataDir: app.getPath('userData') });
const rendererDir = path.join(__dirname, '../../renderer/dist');

protocol.registerSchemesAsPrivileged([appSchemePrivileges]);
app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

app.on('window-all-closed', () => app.quit());

void app.whenReady().then(async () => {
  Menu.setApplicationMenu(null);
  const configFile = path.join(app.getPath('userData'), 'config.json');
  const config = await loadConfig(configFile);
  // Refuses to start on Linux's basic_text key store unless a technician accepted it (S7).
  checkKeyCustody(process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os', config.acceptWeakKeyStore);
  const keyProtection = { encrypt: (plain: Buffer) => safeStorage.encryptString(plain.toString('base64')), decrypt: (sealed: Buffer) => Buffer.from(safeStorage.decryptString(sealed), 'base64') };
  const host = createSetupHost({
    config,
    configFile,
    // The reference portal's demo province key signs provisioning in development only.
    trustDemoKeys: !app.isPackaged,
    kind: 'electron',
    version: app.getVersion(),
    dataDir: app.getPath('userData'),
    assetsDir: path.join(app.getAppPath(), 'assets'),
    keyProtection,
    log,
  });
  lockDownSession(session.defaultSession);
  registerAppProtocol(protocol, rendererDir);
  const window = openKioskWindow(BrowserWindow, {
    preload: path.join(__dirname, 'preload.cjs'),
    devTools: !app.isPackaged,
  });
  const stopIpc = serveIpc({ ipcMain, host, contents: window.webContents, log });
  app.once('will-quit', () => {
    stopIpc();
    void host.close().finally(() => log.close());
  });
  log.info('electron.started', { version: app.getVersion() });
});
