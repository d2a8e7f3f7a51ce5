// natmigrate <command>: one entry point for every process the product runs.
type Command = (args: string[]) => Promise<void>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  sim: { summary: 'run the sandbox Alibaba Cloud (ECS/VPC API emulator + public edge) on loopback', load: async () => (await import('./sandbox/sim-command.ts')).simCommand },
  bot: { summary: 'run the Slack bot (HTTP on PORT or Socket Mode) and deliver job threads', load: async () => (await import('./runtime/bot.ts')).botCommand },
  worker: { summary: 'run a migration worker (scale out with more of them)', load: async () => (await import('./runtime/worker.ts')).workerCommand },
  all: { summary: 'run bot and worker in one process (npm start)', load: async () => (await import('./runtime/all.ts')).allCommand },
  reconcile: { summary: 'finish or restore jobs Redis forgot, from their ENIs\' tags (workers also do it on start-up and every 5 min)', load: async () => (await import('./runtime/reconcile-command.ts')).reconcileCommand },
  demo: { summary: 'run the whole system on loopback and drive a Slack session: plan, run, approve, verify', load: async () => (await import('./demo/demo-command.ts')).demoCommand },
  bench: { summary: 'measure the cutover window, one migration, the Slack ack under load and a fleet against their floors (sandbox)', load: async () => (await import('./bench/bench-command.ts')).benchCommand },
  chaos: { summary: 'SIGKILL workers at every step, restart Redis, inject cloud faults, fuzz the Slack inputs; report what survived', load: async () => (await import('./bench/chaos-command.ts')).chaosCommand },
};

/** The command names (docker-compose.yml and the Dockerfile are checked against them). */
export function commandNames(): string[] {
  return Object.keys(commands);
}

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `usage: natmigrate <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`natmigrate: unknown command '${name}'\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  await (await command.load())(rest);
}
