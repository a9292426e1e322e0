import { spawn } from 'node:child_process';
import { KioskError } from '../../../../shared/errors';

/**
 * Runs a print command with the job on its stdin, no shell, and answers how it exited with the end
 * of what it said on stderr. A command that is not installed is `printer.notFound`.
 */
export function spawnJob(command: string, args: readonly string[], stdin: string | Uint8Array): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(new KioskError(error.code === 'ENOENT' ? 'printer.notFound' : 'printer.failed', { command }, { cause: error })),
    );
    child.once('close', (code) => resolve({ code: code ?? -1, stderr: stderr.trim() }));
    child.stdin.once('error', () => {}); // a command exiting early closes stdin; its exit code says why
    child.stdin.end(stdin);
  });
}
