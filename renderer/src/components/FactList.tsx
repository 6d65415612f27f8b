import type { ReactNode } from 'react';

/** Label/value rows as a definition list (the wizard's review, an export's summary). */
export function FactList({
  rows,
  className,
  children,
}: {
  rows: [string, string][];
  className: string;
  children?: ReactNode;
}) {
  return (
    <dl className={className}>
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
      {children}
    </dl>
  );
}
