import { pino, type Logger, type DestinationStream } from 'pino';

/**
 * Structured JSON logs. Secrets never reach a log line: every known secret-bearing key is redacted
 * wherever it appears (top level or nested one or two levels down).
 */
const secretKeys = [
  'accessKeySecret', 'accessKeyId', 'securityToken', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN',
  'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'NATMIGRATE_ADMIN_PASSWORD',
  'token', 'botToken', 'appToken', 'signingSecret', 'password', 'authorization', 'Authorization', 'x-slack-signature',
];

export const redactPaths = [
  ...secretKeys,
  ...secretKeys.map((k) => `*.${k}`),
  ...secretKeys.map((k) => `*.*.${k}`),
];

export function createLogger(opts: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      name: opts.name ?? 'natmigrate',
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination,
  );
}

export type { Logger };
