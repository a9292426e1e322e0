/**
 * A queue of async work run one piece at a time, in the order given: for state read and written
 * back to a file, where two pieces at once would both read the same state. A piece that fails
 * fails only its own caller; the next one runs as usual.
 */
export function oneAtATime(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (work) => {
    const result = last.then(work);
    last = result.catch(() => undefined);
    return result;
  };
}
