import { isMainThread } from 'node:worker_threads';
import { pino, type Logger, type DestinationStream } from 'pino';

/**
 * Structured JSON logs (one object per line on stdout). Secrets never reach a log line, by two independent means:
 * - every known secret-bearing key is redacted wherever it appears (top level or nested one or two levels down);
 * - the values of the secrets this process was configured with are scrubbed from the serialized line, so a
 *   token inside an error message or an unexpected nesting is caught too.
 */
const secretKeys = [
  'accessKeySecret', 'accessKeyId', 'securityToken', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'NATMIGRATE_ADMIN_PASSWORD',
  'REDIS_URL', 'token', 'botToken', 'appToken', 'signingSecret', 'clientSecret', 'password', 'authorization', 'Authorization',
  'cookie', 'x-slack-signature',
];

const redactPaths = [
  ...secretKeys,
  ...secretKeys.map((k) => `*.${k}`),
  ...secretKeys.map((k) => `*.*.${k}`),
];

const REDACTED = '[redacted]';

export interface LoggerOptions {
  level?: string;
  name?: string;
  destination?: DestinationStream;
  /** Secret values to scrub from every line (tokens, keys, passwords); short strings are ignored. */
  secrets?: readonly (string | undefined)[];
}

/** Wraps a destination so no configured secret value is ever written, whatever key or message carried it. */
function scrubbingDestination(dest: DestinationStream, secrets: readonly (string | undefined)[]): DestinationStream {
  // Both the raw value and its JSON-escaped form, longest first (a secret may contain another).
  const needles = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 6)
    .flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].sort((a, b) => b.length - a.length);
  if (needles.length === 0) return dest;
  return {
    write(line: string) {
      let out = line;
      for (const n of needles) if (out.includes(n)) out = out.split(n).join(REDACTED);
      return dest.write(out);
    },
  } as DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  // pino flushes its asynchronous writer when the process exits only on the main thread; a worker's role runs in a
  // worker thread (util/heap-tuned-thread.ts), where the last lines before process.exit would be lost: write those
  // synchronously.
  const dest = opts.destination ?? pino.destination({ dest: 1, sync: !isMainThread });
  return pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      name: opts.name ?? 'natmigrate',
      redact: { paths: redactPaths, censor: REDACTED },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Log the level name: what people grep for and what log shippers map.
      formatters: { level: (label) => ({ level: label }) },
    },
    scrubbingDestination(dest, opts.secrets ?? []),
  );
}

/** A child logger for one job: every line it writes carries `jobId`. */
export function jobLogger(log: Logger, jobId: string, extra: Record<string, unknown> = {}): Logger {
  return log.child({ jobId, ...extra });
}

export type { Logger };
