/** What a card says, as label and value rows, for the citizen to check before it fills their answers. */
export function CardFacts({ rows, testId }: { rows: ReadonlyArray<readonly [label: string, value: string]>; testId: string }) {
  return (
    <dl className="answers" data-testid={testId}>
      {rows.map(([label, value]) => (
        <div key={label} className="answer">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
