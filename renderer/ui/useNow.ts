import { useEffect, useState } from 'react';

/** The time, renewed every `everyMs`: for ages shown on screen, which must move while it stays up. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}
