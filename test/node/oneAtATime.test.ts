import { expect, test } from 'vitest';
import { oneAtATime } from '../../electron/host/oneAtATime';

test('work runs one piece at a time in the order given, and a failure fails only its own caller', async () => {
  const serially = oneAtATime();
  const log: string[] = [];
  const piece = (name: string, ms: number, fail = false) =>
    serially(async () => {
      log.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`${name} end`);
      if (fail) throw new Error(name);
      return name;
    });
  const results = await Promise.allSettled([piece('a', 30), piece('b', 1, true), piece('c', 10)]);
  expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  expect(results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual(['a', 'b', 'c']);
  expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
});
