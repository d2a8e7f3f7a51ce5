/** An error for the log: the message, plus Slack's error code when it sent one. */
export function errText(err: unknown): string {
  if (err instanceof Error) {
    const data = (err as { data?: { error?: string } }).data;
    return data?.error ? `${err.message} (${data.error})` : err.message;
  }
  return String(err);
}

/** A short reference shown to a person when something failed, and logged with the error, to find one in the other. */
export function errorRef(): string {
  return Math.random().toString(36).slice(2, 10);
}
