import { useT } from './useT';

/** The USB sticks a file for people could not be written to; the kiosk's own copy is there already. */
export function DriveFailures({ drives }: { drives: readonly string[] }) {
  const t = useT();
  return drives.map((drive) => (
    <p key={drive} className="error" role="alert">
      {t('usb.writeFailed', { drive })}
    </p>
  ));
}
