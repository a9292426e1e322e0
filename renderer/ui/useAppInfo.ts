import { useEffect, useState } from 'react';
import type { AppInfo } from '../../shared/contract';
import { host } from '../host';

/** The kiosk's facts (commune, payee, retention…), asked when the screen shows: undefined while asking, null if the host did not answer. */
export function useAppInfo(): AppInfo | null | undefined {
  const [info, setInfo] = useState<AppInfo | null | undefined>(undefined);
  useEffect(() => {
    let shown = true;
    host()
      .call('app.info')
      .then(
        (answer) => shown && setInfo(answer),
        () => shown && setInfo(null),
      );
    return () => void (shown = false);
  }, []);
  return info;
}
