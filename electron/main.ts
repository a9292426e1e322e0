import path from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, protocol, safeStorage, session } from 'electron';
import { createFileLogger } from './host/log';
import { loadConfig } from './host/provisioning';
import { paintedFrameProbe, serveIpc } from './ipc';
import { APP_URL, appSchemePrivileges, keepOpenUntilQuit, lockDownSession, openKioskWindow, registerAppProtocol } from './kioskWindow';
import { createSetupHost } from './host/setup';
import { checkKeyCustody } from './host/vault';
import { createRestartLog, createWatchdog } from './watchdog';
import { loadProvinceKeys } from './host/provincial';
import { createInstaller } from './host/update/installer';
import { createUpdates } from './host/update/updates';

/** Electron composition root: load config → create the host → serve IPC → open the kiosk window. */
const log = createFileLogger({ dataDir: app.getPath('userData') });
const rendererDir = path.join(__dirname, '../../renderer/dist');
const assetsDir = path.join(app.getAppPath(), 'assets');
/** A new version runs this long, its screen painting with no restart, before it is kept (docs/updates.md). */
const PROBATION_MS = 3 * 60_000;

protocol.registerSchemesAsPrivileged([appSchemePrivileges]);
app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

app.on('window-all-closed', () => app.quit());

app.whenReady().then(async () => {
  Menu.setApplicationMenu(null);
  const dataDir = app.getPath('userData');
  const trustDemoKeys = !app.isPackaged;
  const updates = createUpdates({
    dataDir,
    version: app.getVersion(),
    provinceKeys: () => loadProvinceKeys(assetsDir, { includeDemo: trustDemoKeys }),
    log,
    // A development run is no installed app to replace.
    installer: app.isPackaged
      ? createInstaller({ name: app.getName(), version: app.getVersion(), dataDir, quit: () => app.quit(), exit: (code) => app.exit(code) }, log)
      : null,
  });
  // First, so that a new version that fails anywhere below is counted, and left after three starts.
  const onProbation = await updates.boot().catch((error: unknown) => {
    log.error('update.bootFailed', { error: String(error) });
    return 'normal' as const;
  });
  if (onProbation === 'rollingBack') return;
  const configFile = path.join(dataDir, 'config.json');
  const config = await loadConfig(configFile);
  // Refuses to start on Linux's basic_text key store unless a technician accepted it (S7).
  checkKeyCustody(process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os', config.acceptWeakKeyStore);
  const keyProtection = { encrypt: (plain: Buffer) => safeStorage.encryptString(plain.toString('base64')), decrypt: (sealed: Buffer) => Buffer.from(safeStorage.decryptString(sealed), 'base64') };
  // The screen's restarts by the watchdog, for each heartbeat to tell the province.
  const restarts = createRestartLog();
  const host = createSetupHost({
    rendererRestarts: restarts.recent,
    updates,
    // The kiosk window has no other way out: a technician's PIN opens this one.
    quit: () => app.quit(),
    config,
    configFile,
    // The reference portal's demo province key signs provisioning in development only.
    trustDemoKeys,
    kind: 'electron',
    version: app.getVersion(),
    dataDir,
    assetsDir,
    keyProtection,
    log,
  });
  lockDownSession(session.defaultSession);
  registerAppProtocol(protocol, rendererDir);
  const window = openKioskWindow(BrowserWindow, {
    preload: path.join(__dirname, 'preload.cjs'),
    devTools: !app.isPackaged,
  });
  keepOpenUntilQuit(window, app);
  const stopIpc = serveIpc({ ipcMain, host, contents: window.webContents, log });
  const painted = paintedFrameProbe({ ipcMain, contents: window.webContents });
  const watchdog = createWatchdog({
    probe: painted.probe,
    // Loading the app again starts a new renderer process after a crash as well as after a hang, at the attract screen.
    restart: () => void window.webContents.loadURL(APP_URL),
    record: (restart) => {
      restarts.record(restart);
      log.error('renderer.restarted', restart);
      // A new version whose screen had to be restarted is not kept.
      if (onProbation === 'probation') updates.rollback('screenRestarted').catch(updateFailed);
    },
  });
  window.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit') watchdog.report('crashed');
  });
  window.webContents.on('unresponsive', () => watchdog.report('unresponsive'));
  window.webContents.once('did-finish-load', () => {
    watchdog.start();
    // Kept once its screen has painted for a while with no restart; a screen that never loads is never kept.
    if (onProbation === 'probation') {
      setTimeout(() => {
        if (restarts.recent().length === 0) updates.confirm().catch(updateFailed);
      }, PROBATION_MS).unref();
    }
  });
  app.once('will-quit', () => {
    watchdog.stop();
    painted.stop();
    stopIpc();
    void host.close().finally(() => log.close());
  });
  log.info('electron.started', { version: app.getVersion() });
}).catch((error: unknown) => {
  // A start that fails exits with an error, so the OS session starts it again and a new version on
  // probation has the start counted (docs/updates.md), rather than idling with no window.
  log.error('electron.startFailed', { error: String(error) });
  app.exit(1);
});

function updateFailed(error: unknown): void {
  log.error('update.failed', { error: String(error) });
}
