import path from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, protocol, session } from 'electron';
import { createHost } from './host/createHost';
import { createLogger } from './host/log';
import { loadConfig } from './host/provisioning';
import { serveIpc } from './ipc';
import { appSchemePrivileges, lockDownSession, openKioskWindow, registerAppProtocol } from './kioskWindow';

/** Electron composition root: load config → create the host → serve IPC → open the kiosk window. */
const log = createLogger();
const rendererDir = path.join(__dirname, '../../renderer/dist');

protocol.registerSchemesAsPrivileged([appSchemePrivileges]);
app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

app.on('window-all-closed', () => app.quit());

void app.whenReady().then(async () => {
  Menu.setApplicationMenu(null);
  const config = await loadConfig(path.join(app.getPath('userData'), 'config.json'));
  const host = createHost({ config, kind: 'electron', version: app.getVersion(), dataDir: app.getPath('userData') });
  lockDownSession(session.defaultSession);
  registerAppProtocol(protocol, rendererDir);
  const window = openKioskWindow(BrowserWindow, {
    preload: path.join(__dirname, 'preload.cjs'),
    devTools: !app.isPackaged,
  });
  const stopIpc = serveIpc({ ipcMain, host, contents: window.webContents, log });
  app.once('will-quit', () => {
    stopIpc();
    void host.close();
  });
  log.info('electron.started', { version: app.getVersion() });
});
