import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { z } from 'zod';
import type { UpdateStatus } from '../../../shared/contract';
import { KioskError } from '../../../shared/errors';
import { pathExists, writeFileAtomic } from '../atomicFile';
import type { Logger } from '../log';
import { oneAtATime } from '../oneAtATime';
import type { ProvinceKeys } from '../provincial';
import { copyChecked, type UpdateSource } from './sources';
import { fileFor, readReleases, Release, ReleaseFile } from './release';

/**
 * The kiosk's software updates (issue 9, docs/updates.md): a release newer than the running one is
 * found in a signed feed (the province's server, a USB stick), copied and checked into
 * `<data>/updates/`, and installed by the platform's installer (installer.ts, electron-updater)
 * when nobody is using the kiosk. The new version is on probation until it has run well for a
 * while; if it cannot start, or its screen has to be restarted, the kiosk goes back to the version
 * it had, whose installer it kept, and never takes the refused version again.
 */

/** Installs a checked installer and leaves the app for it (installer.ts). */
export interface Installer {
  install(file: string, release: { version: string; file: ReleaseFile }, options: { downgrade: boolean }): Promise<void>;
  /** The running app as one file the kiosk can keep to go back to (Linux's AppImage); null where it is not one file. */
  runningArtifact(): string | null;
}

/** A new version that fails to come up this many times is given up. */
const MAX_BOOTS = 3;

const Held = z.object({ release: Release, file: ReleaseFile });
type Held = z.infer<typeof Held>;
const State = z.object({
  /** A newer release, copied and checked, waiting to be installed. */
  staged: Held.nullable().default(null),
  /** The running version's installer, to go back to. */
  kept: Held.nullable().default(null),
  /** An installed version on probation: how many times it has started. */
  pending: z.object({ from: z.string(), to: z.string(), boots: z.number().int().nonnegative() }).nullable().default(null),
  /** Versions that failed their probation here: never installed again. */
  refused: z.array(z.string()).default([]),
  rolledBack: z.object({ from: z.string(), to: z.string(), at: z.iso.datetime(), reason: z.enum(['failedToStart', 'screenRestarted']) }).nullable().default(null),
});
type State = z.infer<typeof State>;

export type RollbackReason = NonNullable<State['rolledBack']>['reason'];

export interface UpdatesOptions {
  dataDir: string;
  /** The running version. */
  version: string;
  provinceKeys: () => Promise<ProvinceKeys>;
  /** Null where the kiosk cannot install itself (the web host, a deb or a development run). */
  installer: Installer | null;
  log: Logger;
  platform?: NodeJS.Platform;
  arch?: string;
  now?: () => Date;
}

export interface Updates {
  status(): Promise<UpdateStatus>;
  /** Looks in a feed; stages the newest release for this machine that is newer and not refused. */
  check(source: UpdateSource): Promise<UpdateStatus>;
  /** Installs the staged release: the app leaves for the installer. */
  install(version: string): Promise<void>;
  /**
   * At each start, before anything else can fail: counts the start of a version on probation and
   * goes back when it has failed to come up too often. `probation` when the caller must watch it.
   */
  boot(): Promise<'normal' | 'probation' | 'rollingBack'>;
  /** The version on probation has run well: it stays, and its installer is kept for the next time. */
  confirm(): Promise<void>;
  /** The version on probation failed: back to the one before. */
  rollback(reason: RollbackReason): Promise<void>;
}

export function createUpdates({ dataDir, version, provinceKeys, installer, log, platform = process.platform, arch = process.arch, now = () => new Date() }: UpdatesOptions): Updates {
  const folder = path.join(dataDir, 'updates');
  const stateFile = path.join(folder, 'state.json');
  /** By version too: a province may give every release's installer the same name. */
  const localName = (held: Held) => `${held.release.version}--${held.file.name}`;
  const pathOf = (held: Held) => path.join(folder, localName(held));
  const serial = oneAtATime();

  async function read(): Promise<State> {
    const text = await readFile(stateFile, 'utf8').catch(() => null);
    const parsed = text === null ? null : State.safeParse(JSON.parse(text));
    // A state file this build cannot read (hand-edited, from another build) is started afresh: updates are found again.
    if (parsed && !parsed.success) log.error('update.stateUnreadable', {});
    return parsed?.success ? parsed.data : State.parse({});
  }
  async function write(state: State): Promise<void> {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await writeFileAtomic(stateFile, JSON.stringify(state));
  }
  /** Removes installers no longer staged or kept (a superseded release, a half copy). */
  async function prune(state: State): Promise<void> {
    const wanted = new Set([state.staged, state.kept].flatMap((held) => (held ? [localName(held)] : [])));
    for (const name of await readdir(folder).catch(() => [])) {
      if (name !== 'state.json' && name !== 'installer' && !wanted.has(name)) await rm(path.join(folder, name), { force: true });
    }
  }
  const statusOf = (state: State): UpdateStatus => ({
    current: version,
    canInstall: installer !== null,
    staged: state.staged && { version: state.staged.release.version, releasedAt: state.staged.release.releasedAt, notes: state.staged.release.notes ?? null },
    rolledBack: state.rolledBack,
  });

  /** The running version's installer: kept from its own update, the running app itself (an AppImage), or the feed's. */
  async function keepRunning(state: State, releases: Release[], source: UpdateSource): Promise<Held> {
    if (state.kept?.release.version === version && (await pathExists(pathOf(state.kept)))) return state.kept;
    const running = installer?.runningArtifact();
    if (running) {
      const file = { platform: platform as ReleaseFile['platform'], arch: 'x64' as const, name: path.basename(running), ...(await sizeAndSha512(running)) };
      const held = { release: { version, releasedAt: now().toISOString(), files: [file] }, file };
      await copyChecked(createReadStream(running), file, pathOf(held));
      return held;
    }
    const listed = releases.find((release) => release.version === version);
    const listedFile = listed && fileFor(listed, platform, arch);
    if (!listed || !listedFile) {
      // Without a way back, an update that fails would leave the commune without a kiosk.
      throw new KioskError('update.noRollback');
    }
    const held = { release: listed, file: listedFile };
    await source.copy(listedFile, pathOf(held));
    return held;
  }

  async function installHeld(held: Held, downgrade: boolean): Promise<void> {
    if (!installer) throw new KioskError('update.unsupported');
    await installer.install(pathOf(held), { version: held.release.version, file: held.file }, { downgrade });
  }

  const updates: Updates = {
    status: () => serial(async () => statusOf(await read())),
    check: (source) =>
      serial(async () => {
        const state = await read();
        const releases = readReleases(await source.index(), await provinceKeys());
        const newest = releases
          .filter((release) => semver.gt(release.version, version) && !state.refused.includes(release.version) && fileFor(release, platform, arch))
          .sort((a, b) => semver.rcompare(a.version, b.version))[0];
        if (!newest || (newest.version === state.staged?.release.version && (await pathExists(pathOf(state.staged))))) return statusOf(state);
        await mkdir(folder, { recursive: true, mode: 0o700 });
        // A kiosk that cannot install needs no way back: it only says what there is.
        const kept = installer ? await keepRunning(state, releases, source) : state.kept;
        const staged = { release: newest, file: fileFor(newest, platform, arch)! };
        await source.copy(staged.file, pathOf(staged));
        const next = { ...state, kept, staged };
        await write(next);
        await prune(next);
        log.info('update.staged', { version: newest.version, from: source.kind });
        return statusOf(next);
      }),
    install: (wanted) =>
      serial(async () => {
        const state = await read();
        if (!state.staged || state.staged.release.version !== wanted || !(await pathExists(pathOf(state.staged)))) throw new KioskError('update.notStaged');
        if (!installer) throw new KioskError('update.unsupported');
        // Written first: the new version reads it at its first start.
        await write({ ...state, pending: { from: version, to: wanted, boots: 0 } });
        log.info('update.installing', { from: version, to: wanted });
        try {
          await installHeld(state.staged, false);
        } catch (error) {
          await write({ ...state, pending: null });
          throw error;
        }
      }),
    boot: () =>
      serial(async () => {
        const state = await read();
        const { pending } = state;
        if (!pending) return 'normal';
        if (version === pending.from) {
          // Still the old version: the version gone back to, or the installer did not run.
          await write({ ...state, pending: null });
          if (state.rolledBack?.from === pending.to) log.info('update.wentBack', state.rolledBack);
          else log.error('update.notInstalled', { version: pending.to });
          return 'normal';
        }
        if (version !== pending.to) {
          await write({ ...state, pending: null });
          return 'normal';
        }
        const boots = pending.boots + 1;
        await write({ ...state, pending: { ...pending, boots } });
        if (boots <= MAX_BOOTS) return 'probation';
        await rollBack(state, 'failedToStart');
        return 'rollingBack';
      }),
    confirm: () =>
      serial(async () => {
        const state = await read();
        if (state.pending?.to !== version) return;
        // The new version's installer becomes the way back from the next update.
        const next = { ...state, pending: null, kept: state.staged?.release.version === version ? state.staged : state.kept, staged: null };
        await write(next);
        await prune(next);
        log.info('update.confirmed', { version });
      }),
    rollback: (reason) =>
      serial(async () => {
        const state = await read();
        if (state.pending?.to === version) await rollBack(state, reason);
      }),
  };

  async function rollBack(state: State, reason: RollbackReason): Promise<void> {
    const pending = state.pending!;
    const rolledBack = { from: pending.to, to: pending.from, at: now().toISOString(), reason };
    // `pending` stays, so the version gone back to clears it at its start (boot: version === from).
    await write({ ...state, staged: null, refused: [...new Set([...state.refused, pending.to])], rolledBack });
    log.error('update.rollingBack', rolledBack);
    if (!state.kept) throw new KioskError('update.noRollback');
    await installHeld(state.kept, true);
  }

  return updates;
}

async function sizeAndSha512(file: string): Promise<{ size: number; sha512: string }> {
  const hash = createHash('sha512');
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    hash.update(chunk);
  }
  return { size, sha512: hash.digest('base64') };
}
