/**
 * Structured log lines (JSON, one per line). Redaction of personal data (CCCD numbers, names,
 * phone numbers) arrives with the first component that handles them; nothing personal is logged yet.
 */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

const describe = (value: unknown) => (value instanceof Error ? { name: value.name, message: value.message } : value);

export function createLogger(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const emit = (level: string, event: string, fields: Record<string, unknown> = {}) =>
    write(
      JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }, (_key, value: unknown) =>
        describe(value),
      ),
    );
  return {
    info: (event, fields) => emit('info', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}
