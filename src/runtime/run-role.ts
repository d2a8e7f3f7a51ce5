// The shared body of `natmigrate bot|worker|all`: validate the configuration (exit 2 with one line per problem),
// start the runtime (exit 1 with one line if something outside is wrong), then run until SIGTERM/SIGINT.
import { importBundled } from '../util/bundled-import.ts';
import { loadConfig, SECRET_NAMES, type Config } from '../config.ts';
import { createLogger } from '../log.ts';
import { onShutdown } from './shutdown.ts';
import type { RuntimeRole } from './start.ts';
import { redisUrlPasswords } from '../util/redis-urls.ts';
import { heapTuningApplies, runInHeapTunedThread } from '../util/heap-tuned-thread.ts';
import { threadEntry } from '../util/node-entry.ts';

const SUMMARY: Record<RuntimeRole, string> = {
  bot: 'the Slack bot (HTTP on PORT or Socket Mode) and the delivery of job threads; no jobs run here',
  worker: 'a migration worker: runs jobs from the queue; serves /healthz and /metrics on PORT',
  all: 'bot and worker in one process (what `npm start` runs)',
};

const usage = (role: RuntimeRole) => `usage: natmigrate ${role}

Starts ${SUMMARY[role]}.
Configured by environment variables only (see the configuration table in README.md); runs until SIGTERM/SIGINT,
then stops gracefully (running steps finish or park for another worker).
`;

/** Treat `FOO=` (empty) as unset, in process.env too: the Alibaba credentials chain reads it directly. */
function dropEmpty(env: NodeJS.ProcessEnv): void {
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && v.trim() === '' && /^(NATMIGRATE_|SLACK_|ALIBABA_CLOUD_|REDIS_URL$|PORT$|LOG_LEVEL$)/.test(k)) delete env[k];
  }
}

/** Values no log line may contain. */
function secretValues(config: Config, env: NodeJS.ProcessEnv): string[] {
  const out = SECRET_NAMES.map((n) => env[n]).filter((v): v is string => Boolean(v));
  // Every seed node of a cluster URL list may carry the password.
  out.push(...redisUrlPasswords(config.REDIS_URL));
  return out;
}

export async function runRole(role: RuntimeRole, argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage(role));
    return;
  }
  if (argv.length > 0) {
    process.stderr.write(`natmigrate ${role}: unexpected argument '${argv[0]}' (configuration comes from environment variables)\n\n${usage(role)}`);
    process.exitCode = 2;
    return;
  }
  dropEmpty(process.env);
  const loaded = loadConfig(process.env, role);
  if (!loaded.ok) {
    const n = loaded.problems.length;
    process.stderr.write(`natmigrate ${role}: ${n} configuration problem${n === 1 ? '' : 's'}:\n${loaded.problems.map((p) => `  - ${p}\n`).join('')}`
      + 'See the configuration table in README.md.\n');
    process.exitCode = 2;
    return;
  }
  const config = loaded.config;
  const log = createLogger({ level: config.LOG_LEVEL, name: `natmigrate-${role}`, secrets: secretValues(config, process.env) });
  process.on('unhandledRejection', (err) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => {
    log.fatal({ err: err.message, stack: err.stack }, 'uncaught exception; exiting');
    process.exit(1);
  });

  let runtime;
  try {
    // Loaded only now: a configuration problem is answered without loading Bolt, BullMQ and the SDKs. Compiled, as
    // the one file `npm run build` bundles it into when that is there (scripts/bundle.mjs: it starts on less CPU).
    const { startRuntime } = await importBundled(import.meta.url, 'start.bundle.js', () => import('./start.ts'));
    runtime = await startRuntime(role, config, { log });
  } catch (err) {
    const message = err instanceof Error && err.name === 'StartupError' ? err.message : `start-up failed: ${err instanceof Error ? err.message : String(err)}`;
    log.error({ err: message }, 'start-up failed');
    process.stderr.write(`natmigrate ${role}: ${message}\n`);
    process.exit(1);
  }
  const rt = runtime;
  onShutdown(() => rt.close(), { log, deadlineMs: config.NATMIGRATE_SHUTDOWN_GRACE + 15_000 });
}

/**
 * A role that runs jobs (worker, all) runs in a heap-tuned worker thread, unless the operator passed heap flags
 * of their own: same behaviour, signals and exit codes, about half the memory under load.
 */
export async function runRoleHeapTuned(role: RuntimeRole, argv: string[]): Promise<void> {
  if (!heapTuningApplies()) return runRole(role, argv);
  return runInHeapTunedThread(threadEntry(new URL('./role-thread.ts', import.meta.url)), {
    argv: [], workerData: { role, argv }, signals: ['SIGTERM', 'SIGINT'],
  });
}
