import { useEffect, useRef, type ReactNode } from 'react';

/**
 * One thing per screen: a heading, the content, and the actions at the bottom. The heading takes
 * focus on arrival so that screen readers and read-aloud start from the top of each new screen.
 * When the screen asks one question, the heading is that question's label (`titleFor`).
 */
export function Screen({
  title,
  caption,
  titleFor,
  children,
  actions,
}: {
  title: string;
  caption?: string;
  titleFor?: string;
  children?: ReactNode;
  actions?: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [title]);
  return (
    <main className="screen">
      {caption && <p className="caption">{caption}</p>}
      <h1 ref={heading} tabIndex={-1} id="step-title">
        {titleFor ? <label htmlFor={titleFor}>{title}</label> : title}
      </h1>
      <div className="screen-body">{children}</div>
      {actions && <div className="screen-actions">{actions}</div>}
    </main>
  );
}
