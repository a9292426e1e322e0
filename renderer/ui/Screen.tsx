import { useEffect, useRef, type ReactNode } from 'react';

/**
 * One thing per screen: a heading, the content, and the actions at the bottom. The heading takes
 * focus on arrival so that screen readers and read-aloud start from the top of each new screen.
 */
export function Screen({ title, children, actions }: { title: string; children?: ReactNode; actions?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <main className="screen">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <div className="screen-body">{children}</div>
      {actions && <div className="screen-actions">{actions}</div>}
    </main>
  );
}
