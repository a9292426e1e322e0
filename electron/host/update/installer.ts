import { createReadStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import http, { type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { configureRequestOptions, configureRequestUrl, HttpExecutor, type DownloadOptions } from 'builder-util-runtime';
import { AppImageUpdater, NsisUpdater, type AppUpdater, type BaseUpdater } from 'electron-updater';
// Not re-exported by the package's index: the type of the updaters' second argument, an app to use instead of Electron's.
import type { AppAdapter } from 'electron-updater/out/AppAdapter';
import { KioskError } from '../../../shared/errors';
import type { Logger } from '../log';
import type { ReleaseFile } from './release';
import type { Installer } from './updates';

/** What the installer needs of the app it replaces (Electron's `app` in main.ts). */
export interface AppControl {
  name: string;
  version: string;
  /** Where electron-updater keeps its download (its cache folder, its config). */
  dataDir: string;
  /** Quits as a technician's exit does. */
  quit(): void;
  /** Exits at once with this code. */
  exit(code: number): void;
}

/**
 * How a Linux kiosk leaves for its new version: an exit the OS session restarts
 * (systemd's `Restart=on-failure`, docs/kiosk-os.md). Under cage the app cannot start itself
 * again: the compositor ends with it. EX_TEMPFAIL, from sysexits.h.
 */
export const RESTART_EXIT_CODE = 75;

/**
 * The platform's installer, electron-updater's, for an installer the kiosk has already checked
 * (updates.ts): served to electron-updater from a loopback feed made for it, so the province's
 * server and a USB stick go the same way, and electron-updater checks the SHA-512 once more as it
 * takes it. Windows gets the NSIS installer run silently; Linux's AppImage is replaced in place.
 * Null where the kiosk cannot replace itself: a deb (apt updates it) or a development run.
 * electron-updater is driven with Node's HTTP and an app of our own (AppAdapter), so nothing here
 * needs Electron and the whole path runs in tests.
 */
export function createInstaller(app: AppControl, log: Logger, platform: NodeJS.Platform = process.platform): Installer | null {
  // Set by the AppImage's runtime; electron-updater reads it there too.
  const appImage = process.env.APPIMAGE;
  if (!(platform === 'win32' || (platform === 'linux' && appImage))) return null;
  const folder = path.join(app.dataDir, 'updates', 'installer');
  return {
    runningArtifact: () => appImage ?? null,
    async install(file, release, { downgrade }) {
      const feed = await serveFeed(file, release, platform);
      // Where electron-updater put an AppImage whose name had a version: under the new version's name.
      let renamed: string | null = null;
      try {
        // electron-updater's own config: where it keeps its download, and the feed.
        const configFile = path.join(folder, 'app-update.yml');
        await mkdir(folder, { recursive: true, mode: 0o700 });
        await writeFile(configFile, JSON.stringify({ provider: 'generic', url: feed.url, updaterCacheDirName: 'cache' }));
        const adapter: AppAdapter = {
          name: app.name,
          version: app.version,
          isPackaged: true,
          appUpdateConfigPath: configFile,
          userDataPath: app.dataDir,
          baseCachePath: folder,
          whenReady: () => Promise.resolve(),
          relaunch: () => undefined,
          quit: () => undefined,
          onQuit: () => undefined,
        };
        const updater: BaseUpdater = platform === 'win32' ? new NsisUpdater(null, adapter) : new AppImageUpdater(null, adapter);
        Object.assign(updater, { httpExecutor: new LoopbackHttpExecutor() });
        updater.logger = { info: (message) => log.info('update.installer', { message: String(message) }), warn: (message) => log.info('update.installer', { message: String(message) }), error: (message) => log.error('update.installer', { message: String(message) }) };
        updater.autoDownload = false;
        updater.autoInstallOnAppQuit = false;
        updater.allowDowngrade = downgrade;
        // The feed is on this machine: nothing to gain from a block map.
        updater.disableDifferentialDownload = true;
        updater.on('appimage-filename-updated', (moved: string) => (renamed = moved));
        await offered(updater, release.version);
        await updater.downloadUpdate();
        // Windows: the installer waits for this app to quit, then starts the new one (`--force-run`).
        // Linux: the AppImage is replaced now; the OS session starts it once this app has exited.
        if (!updater.install(true, platform === 'win32')) throw new KioskError('update.installFailed');
        // Back under the name the OS session starts.
        if (renamed && appImage) await rename(renamed, appImage);
      } finally {
        await feed.close();
      }
      log.info('update.installed', { version: release.version, downgrade });
      if (platform === 'win32') app.quit();
      else app.exit(RESTART_EXIT_CODE);
    },
  };
}

/** electron-updater's check, which must offer exactly the release in the feed. */
async function offered(updater: AppUpdater, version: string): Promise<void> {
  const result = await updater.checkForUpdates().catch((error: unknown) => {
    throw new KioskError('update.installFailed', { reason: String(error) });
  });
  if (!result?.isUpdateAvailable || result.updateInfo.version !== version) throw new KioskError('update.installFailed', { reason: 'not offered' });
}

/**
 * A one-release feed on 127.0.0.1 as electron-builder's generic provider lays it out: the channel
 * file (`latest.yml`, `latest-linux.yml`; JSON is YAML) and the installer.
 */
async function serveFeed(file: string, release: { version: string; file: ReleaseFile }, platform: NodeJS.Platform): Promise<{ url: string; close(): Promise<void> }> {
  const channelFile = platform === 'win32' ? 'latest.yml' : 'latest-linux.yml';
  const { name, sha512, size } = release.file;
  const channel = JSON.stringify({ version: release.version, files: [{ url: name, sha512, size }], path: name, sha512, releaseDate: new Date().toISOString() });
  const server = http.createServer((request, response) => {
    const wanted = decodeURIComponent(new URL(request.url ?? '/', 'http://feed').pathname.slice(1));
    if (wanted === channelFile) {
      response.writeHead(200, { 'Content-Type': 'text/yaml' }).end(channel);
    } else if (wanted === name) {
      response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size });
      createReadStream(file).pipe(response);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** electron-updater's downloads over Node's HTTP, as its Electron executor does them over Electron's net. */
class LoopbackHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return http.request(options, callback);
  }

  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(requestOptions, { destination, options, onCancel, responseHandler: null, callback: (error) => (error ? reject(error) : resolve(destination)) }, 0);
    });
  }
}
