// `natmigrate demo` (`npm run demo`): the whole system on loopback, driven through one Slack session. Exit 0 only
// when the instance ends migrated and verified in the sandbox world; 1 otherwise; 2 for bad options.
import { importBundled } from '../util/bundled-import.ts';
import { parseArgs } from 'node:util';
import { isLang } from '../i18n/lang.ts';
import { msg } from '../i18n/catalog.ts';

const USAGE = `usage: natmigrate demo [--scenario FILE] [--instance ID] [--lang en|ja] [--quiet]

Runs the real system on loopback, with no credentials: the sandbox Alibaba Cloud, the engine's worker, the Slack bot
(HTTP mode, signed requests) and a simulated Slack workspace where alice (requester) runs \`/natmigrate plan\` and
\`/natmigrate run\` and bob (approver) clicks Approve. Prints the session and the job's thread, then a summary.

  --scenario FILE   sandbox scenario (JSON/YAML, docs/sandbox.md), used as written; default: the built-in one
                    with short cloud latencies
  --instance ID     instance to migrate; default: the first with a DNAT IP mapping and SNAT coverage
  --lang en|ja      the language of the channel and of alice's and bob's Slack: the whole transcript in English
                    (default) or Japanese; command words stay English
  --quiet           no progress lines on stderr (the transcript and summary still go to stdout)

Redis: REDIS_URL (default redis://127.0.0.1:6379), keys under a fresh prefix, deleted at the end. If nothing
answers there and redis-server is installed, a private one is started on a free port and stopped at the end.
Exit status: 0 migrated and verified; 1 anything else (the reason is printed); 2 bad options or scenario.
`;

export async function demoCommand(argv: string[]): Promise<void> {
  let values: { scenario?: string; instance?: string; lang?: string; quiet?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { scenario: { type: 'string' }, instance: { type: 'string' }, lang: { type: 'string' }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`natmigrate demo: ${(e as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const lang = values.lang ?? 'en';
  if (!isLang(lang)) {
    process.stderr.write(`natmigrate demo: --lang ${lang}: expected en or ja\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  // Ctrl-C cleans up like any other ending (bot, workers, sandbox, Redis keys); a second one leaves at once.
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(130);
    process.stderr.write(`\n${msg(lang).progSignal({ signal: sig })}\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let exitCode: number;
  try {
    // Loaded only now: bad options are answered without loading the whole system. Compiled, as the one file
    // `npm run build` bundles it into when that is there (scripts/bundle.mjs: it starts on less CPU).
    const { runDemo } = await importBundled(import.meta.url, 'run-demo.bundle.js', () => import('./run-demo.ts'));
    const result = await runDemo({
      ...(values.scenario ? { scenarioFile: values.scenario } : {}),
      ...(values.instance ? { instanceId: values.instance } : {}),
      quiet: values.quiet ?? false,
      lang,
      redisUrl: process.env.REDIS_URL || undefined,
      signal: controller.signal,
    });
    exitCode = controller.signal.aborted ? 130 : result.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  process.exitCode = exitCode;

  // Everything was closed; if some handle still holds the process, say which and leave anyway.
  const guard = setTimeout(() => {
    process.stderr.write(`natmigrate demo: still running 5 s after cleanup; open handles: ${process.getActiveResourcesInfo().join(', ')}\n`);
    process.exit(exitCode);
  }, 5000);
  guard.unref();
}
