import { KioskError, type ErrorCode } from '../../shared/errors';

/**
 * Long host work the screen names by an id (a scan, a document's OCR), so that another call can
 * cancel it and closing the host stops all of it.
 */
export interface Jobs {
  /** Runs `work` under `id`; `busy` when a job of that id is already running. */
  run<T>(id: string, busy: ErrorCode, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Aborts the job, if it is still running. */
  cancel(id: string): void;
  cancelAll(): void;
}

export function createJobs(): Jobs {
  const running = new Map<string, AbortController>();
  return {
    async run(id, busy, work) {
      if (running.has(id)) throw new KioskError(busy);
      const controller = new AbortController();
      running.set(id, controller);
      try {
        return await work(controller.signal);
      } finally {
        running.delete(id);
      }
    },
    cancel: (id) => running.get(id)?.abort(),
    cancelAll() {
      for (const controller of running.values()) controller.abort();
    },
  };
}
