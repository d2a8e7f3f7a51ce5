// natmigrate <command>: one entry point for every process the product runs.
type Command = (args: string[]) => Promise<void>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  sim: { summary: 'run the sandbox Alibaba Cloud (ECS/VPC API emulator + public edge) on loopback', load: async () => (await import('./sandbox/sim-command.ts')).simCommand },
};

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
