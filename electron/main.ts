import path from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, protocol, safeStorage, session } from 'electron';
import { createFileLogger } from './host/log';
import { loadConfig } from './host/provisioning';
import { paintedFrameProbe, serveIpc } from './ipc';
import { APP_URL, appSchemePrivileges, lockDownSession, openKioskWindow, registerAppProtocol } from './kioskWindow';
import { createSetupHost } from './host/setup';
import { checkKeyCustody } from './host/vault';
import { createRestartLog, createWatchdog } from './watchdog';

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
  // The screen's restarts by the watchdog, for each heartbeat to tell the province.
  const restarts = createRestartLog();
  const host = createSetupHost({
    rendererRestarts: restarts.recent,
    // The kiosk window has no other way out: a technician's PIN opens this one.
    quit: () => app.quit(),
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
  const painted = paintedFrameProbe({ ipcMain, contents: window.webContents });
  const watchdog = createWatchdog({
    probe: painted.probe,
    // Loading the app again starts a new renderer process after a crash as well as after a hang, at the attract screen.
    restart: () => void window.webContents.loadURL(APP_URL),
    record: (restart) => {
      restarts.record(restart);
      log.error('renderer.restarted', restart);
    },
  });
  window.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit') watchdog.report('crashed');
  });
  window.webContents.on('unresponsive', () => watchdog.report('unresponsive'));
  window.webContents.once('did-finish-load', () => watchdog.start());
  app.once('will-quit', () => {
    watchdog.stop();
    painted.stop();
    stopIpc();
    void host.close().finally(() => log.close());
  });
  log.info('electron.started', { version: app.getVersion() });
});
