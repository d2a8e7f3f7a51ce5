// `natmigrate reconcile [--region R] [--restore eni-…]`: one reconcile pass over this deployment's natmigrate-tagged
// ENIs (what every worker also runs at start-up and on a schedule; src/engine/reconcile/cloud-reconcile.ts), or a
// person's Restore of one ENI. Prints one JSON line per ENI on stdout; what it posts goes to the jobs' threads
// through the Slack outbox (a bot process delivers it). Configured like `natmigrate worker`.
import type { Redis } from 'ioredis';
import pino from 'pino';
import { loadConfig, SECRET_NAMES } from '../config.ts';
import { createLogger } from '../log.ts';
import { createSlackNotifier } from '../slack/index.ts';
import { createRedisConnection } from '../util/redis-connection.ts';
import { createProductEngine, redisTargetFromConfig } from './compose.ts';
import { jobLogNotifier } from './job-log.ts';

const USAGE = `usage: natmigrate reconcile [--region R] [--restore eni-…]

Finds every ENI this deployment tagged (the cloud journal) and brings each job Redis forgot to an end the cloud can
prove: migrated and verified, or the original DNAT mapping restored; what a person must decide is posted to the
job's thread with a Restore button. --restore restores one ENI's original mapping and removes the ENI.
Configured by environment variables, like \`natmigrate worker\`.
`;

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function reconcileCommand(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) { process.stdout.write(USAGE); return; }
  const unknown = args.filter((a, i) => a.startsWith('-') ? a !== '--region' && a !== '--restore' : args[i - 1] !== '--region' && args[i - 1] !== '--restore');
  if (unknown.length) { process.stderr.write(`natmigrate reconcile: unexpected argument '${unknown[0]}'\n\n${USAGE}`); process.exitCode = 2; return; }
  const loaded = loadConfig(process.env, 'worker');
  if (!loaded.ok) {
    process.stderr.write(`natmigrate reconcile: configuration problems:\n${loaded.problems.map((p) => `  - ${p}\n`).join('')}`);
    process.exitCode = 2;
    return;
  }
  const config = loaded.config;
  const log = createLogger({ level: config.LOG_LEVEL, name: 'natmigrate-reconcile', destination: pino.destination(2),
    secrets: SECRET_NAMES.map((n) => process.env[n]).filter((v): v is string => Boolean(v)) });
  const region = arg(args, '--region') ?? config.NATMIGRATE_REGION;
  const redis = createRedisConnection(redisTargetFromConfig(config), 'runtime');
  const outbox = createSlackNotifier({ redis: redis as Redis, prefix: `${config.NATMIGRATE_QUEUE_PREFIX}:slack`, retentionMs: config.NATMIGRATE_RECORD_RETENTION });
  const engine = createProductEngine(config, { notifier: jobLogNotifier(outbox, log), logger: log });
  try {
    const eni = arg(args, '--restore');
    const reports = eni ? [await engine.restoreFromCloud(region, eni)] : await engine.reconcileCloud(region);
    for (const r of reports) process.stdout.write(`${JSON.stringify(r)}\n`);
    const acted = reports.filter((r) => r.result).length;
    process.stderr.write(`natmigrate reconcile: ${reports.length} tagged ENI${reports.length === 1 ? '' : 's'} in ${region}, ${acted} acted on\n`);
    if (reports.some((r) => r.result?.startsWith('error'))) process.exitCode = 1;
  } finally {
    await engine.close();
    await redis.quit().catch(() => {});
  }
}
