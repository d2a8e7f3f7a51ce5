// `natmigrate sim`: run the sandbox cloud in the foreground. The first stdout line is one JSON object telling other
// processes how to reach it; then it serves until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { ScenarioError, startSandbox, type Sandbox } from './index.ts';

const USAGE = `usage: natmigrate sim [--scenario FILE|default] [--port N] [--edge-port N] [--host 127.0.0.1|0.0.0.0] [--verbose]

Starts the sandbox Alibaba Cloud (ECS + VPC APIs on 127.0.0.1) and its public edge.
--host 0.0.0.0 is for a container that other containers reach by name (docker compose profile sandbox).
Prints one JSON line {endpoint, ecsEndpoint, vpcEndpoint, protocol, regionId, credentials, edge, env}, then runs
until interrupted. Scenario format: docs/sandbox.md.
`;

function port(v: string | undefined, name: string): number {
  if (v === undefined) return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${name} must be a port number (0 = any free port), got '${v}'`);
  return n;
}

class UsageError extends Error {}

export async function simCommand(argv: string[]): Promise<void> {
  let sandbox: Sandbox;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        scenario: { type: 'string' }, port: { type: 'string' }, 'edge-port': { type: 'string' }, host: { type: 'string' },
        verbose: { type: 'boolean', short: 'v' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help) { process.stdout.write(USAGE); return; }
    const verbose = values.verbose ?? false;
    if (values.host !== undefined && values.host !== '127.0.0.1' && values.host !== '0.0.0.0') throw new UsageError(`--host must be 127.0.0.1 or 0.0.0.0, got '${values.host}'`);
    sandbox = await startSandbox({
      scenario: values.scenario === undefined || values.scenario === 'default' ? undefined : values.scenario,
      port: port(values.port, '--port'),
      edgePort: port(values['edge-port'], '--edge-port'),
      ...(values.host ? { host: values.host } : {}),
      onRequest: verbose ? (r) => process.stderr.write(`${new Date(r.at).toISOString()} ${r.product}.${r.action} ${r.status} ${r.code} ${r.requestId} ${r.durationMs}ms\n`) : undefined,
    });
  } catch (e) {
    if (e instanceof ScenarioError) process.stderr.write(`natmigrate sim: ${e.message}\n`);
    else if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) process.stderr.write(`natmigrate sim: ${(e as Error).message}\n\n${USAGE}`);
    else if ((e as { code?: string }).code === 'EADDRINUSE') process.stderr.write(`natmigrate sim: ${(e as Error).message}\n`);
    else throw e;
    process.exitCode = 2;
    return;
  }
  process.stdout.write(`${JSON.stringify({
    endpoint: sandbox.endpoint,
    ecsEndpoint: sandbox.env.NATMIGRATE_ECS_ENDPOINT,
    vpcEndpoint: sandbox.env.NATMIGRATE_VPC_ENDPOINT,
    protocol: 'http',
    regionId: sandbox.regionId,
    credentials: sandbox.credentials,
    edge: sandbox.edge,
    env: sandbox.env,
  })}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void sandbox.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
