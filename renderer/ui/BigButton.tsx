import type { ButtonHTMLAttributes } from 'react';

/** A touch target well above 48×48 px, the kiosk's minimum (quality target A2). */
export function BigButton({
  variant = 'primary',
  className,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' }) {
  return <button type="button" className={`big-button ${variant} ${className ?? ''}`} {...props} />;
}
