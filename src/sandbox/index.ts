// The sandbox cloud as a library: start an Alibaba Cloud ECS/VPC emulator plus the public edge on loopback.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { createApiServer, type RequestLog } from './api/api-server.ts';
import { FaultEngine } from './api/fault-injection.ts';
import { createEdgeServer, type EdgeLogEntry } from './edge/public-edge.ts';
import { World } from './model/world.ts';
import { loadScenario } from './scenario/load-scenario.ts';
import type { FaultSpec, Scenario, ScenarioInput } from './scenario/scenario-schema.ts';

export { loadScenario, ScenarioError } from './scenario/load-scenario.ts';
export { scenarioSchema } from './scenario/scenario-schema.ts';
export type { FaultSpec, LatencyMs, Scenario, ScenarioInput } from './scenario/scenario-schema.ts';
export { makeFleetScenario, fleetIds, fleetPrivateIp, type FleetOptions } from './scenario/fleet-scenario.ts';
export { World } from './model/world.ts';
export { DEFAULT_READ_LAG_MS } from './scenario/realism-schema.ts';
export type { DnatState, EniState, InstanceState, InvocationState, SnatState } from './model/cloud-resources.ts';
export { edgeCheck, type EdgeVerdict } from './edge/edge-check.ts';
export { egressIp } from './guest/modelled-guest.ts';
export { probeEdge, probeEdgePort, probeEdgeRdp, X224_CONNECTION_CONFIRM, type EdgeLogEntry, type PortProbe } from './edge/public-edge.ts';
export type { RequestLog } from './api/api-server.ts';

export interface Sandbox {
  /** '127.0.0.1:PORT': what the SDK's Config.endpoint takes (no scheme). */
  endpoint: string;
  regionId: string;
  credentials: { accessKeyId: string; accessKeySecret: string };
  /** The public edge listener. */
  edge: { host: string; port: number };
  /** Exactly the environment `natmigrate bot|worker|all` need to use this sandbox. */
  env: Record<string, string>;
  /** Live state; tests may read and mutate it. */
  world: World;
  faults: { add(f: FaultSpec): void; clear(): void };
  /** Every API request, in arrival order. */
  requests: RequestLog[];
  /** Every connection to the public edge and its verdict. */
  edgeLog: EdgeLogEntry[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** A scenario object, JSON text, or path to a .json/.yaml file. Default: the built-in default scenario. */
  scenario?: ScenarioInput | string;
  /** API port (0 or absent = any free port). */
  port?: number;
  /** Public edge port (0 or absent = any free port). */
  edgePort?: number;
  /**
   * Listen address (default 127.0.0.1). `0.0.0.0` only for a container that other containers reach by name
   * (docker compose's `sandbox` profile); `env` then still names 127.0.0.1.
   */
  host?: string;
  /** Called after every API request (e.g. for `natmigrate sim --verbose`). */
  onRequest?: (r: RequestLog) => void;
}

/** The built-in scenario used by the demo (src/sandbox/scenario/default-scenario.json). */
export const defaultScenario: Scenario = loadScenario(
  JSON.parse(readFileSync(new URL('./scenario/default-scenario.json', import.meta.url), 'utf8')) as unknown,
);

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

export async function startSandbox(opts: StartOptions = {}): Promise<Sandbox> {
  const host = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '0.0.0.0') throw new Error('the sandbox listens on 127.0.0.1 (or 0.0.0.0 inside a container)');
  // What clients on this host dial; a wildcard listen address is not one.
  const reach = host === '0.0.0.0' ? '127.0.0.1' : host;
  const scenario = opts.scenario === undefined ? defaultScenario : loadScenario(opts.scenario);
  const world = new World(scenario);
  const faults = new FaultEngine(scenario.faults, scenario.seed);
  const requests: RequestLog[] = [];
  const edgeLog: EdgeLogEntry[] = [];
  const api = createApiServer({
    world, credentials: [scenario.credentials, ...scenario.extraCredentials], faults, qps: scenario.qps, deniedActions: scenario.deniedActions, seed: scenario.seed, requests, onRequest: opts.onRequest,
  });
  const edgeServer = createEdgeServer(world, edgeLog);
  const apiPort = await listen(api, opts.port ?? 0, host);
  let edgePort: number;
  try {
    edgePort = await listen(edgeServer, opts.edgePort ?? 0, host);
  } catch (e) {
    api.close();
    throw e;
  }
  const endpoint = `${reach}:${apiPort}`;
  const edge = { host: reach, port: edgePort };
  let closed: Promise<void> | undefined;
  return {
    endpoint,
    regionId: scenario.regionId,
    credentials: { ...scenario.credentials },
    edge,
    env: {
      ALIBABA_CLOUD_ACCESS_KEY_ID: scenario.credentials.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: scenario.credentials.accessKeySecret,
      NATMIGRATE_REGION: scenario.regionId,
      NATMIGRATE_ECS_ENDPOINT: endpoint,
      NATMIGRATE_VPC_ENDPOINT: endpoint,
      NATMIGRATE_CLOUD_PROTOCOL: 'http',
      NATMIGRATE_PUBLIC_EDGE: `${reach}:${edgePort}`,
    },
    world,
    faults: { add: (f) => faults.add(f), clear: () => faults.clear() },
    requests,
    edgeLog,
    close() {
      closed ??= Promise.all([
        new Promise<void>((r) => { api.close(() => r()); api.closeAllConnections(); }),
        new Promise<void>((r) => { edgeServer.close(() => r()); edgeServer.closeAll(); }),
      ]).then(() => undefined);
      return closed;
    },
  };
}
