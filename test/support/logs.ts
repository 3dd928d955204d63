/** One line a Powertools logger wrote: `level`, `message`, `service`, `timestamp` and the keys logged with it. */
export type LogEntry = Record<string, unknown> & { level: string; message: string };

export interface CapturedLogs {
  /** Every JSON line written since the capture began, parsed. */
  entries(): LogEntry[];
  /** Everything written, as written. */
  text(): string;
  /** Stops capturing; output goes to the terminal again. */
  restore(): void;
}

/**
 * Captures what the functions' loggers write while a test runs, keeping it off the terminal. Powertools writes each
 * entry as a JSON line straight to stdout (stderr for errors), so this captures the output as an operator would read
 * it, not the calls that produced it.
 */
export function captureLogs(): CapturedLogs {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation(capture as typeof stream.write),
  );
  return {
    text: () => chunks.join(''),
    entries: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as LogEntry),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}
