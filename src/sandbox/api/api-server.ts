// The API endpoint: one plain-HTTP server for both products, dispatched on x-acs-version / x-acs-action.
// Order per request: parse → authenticate → RAM denial → throttling → faults → region → handler (with ClientToken
// idempotency) → latency → answer. Every request is logged.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError, defaultMessageFor, err, forbiddenRam } from '../api-error.ts';
import { sleep } from '../../util/sleep.ts';
import type { World } from '../model/world.ts';
import { Authenticator, type Credentials } from './acs-signature.ts';
import { idempotent } from './client-token.ts';
import { ecsHandlers } from './ecs-handlers.ts';
import { ecsPowerHandlers } from './ecs-power-handlers.ts';
import type { FaultEngine } from './fault-injection.ts';
import type { Handler, Params } from './request-params.ts';
import { Throttle } from './throttle.ts';
import { TransientCodes } from './transient-codes.ts';
import { vpcHandlers } from './vpc-handlers.ts';

export type Product = 'ecs' | 'vpc';

export interface RequestLog {
  action: string;
  product: Product | 'unknown';
  /** API parameters (signature and other common V2 parameters removed). */
  params: Record<string, string>;
  /** 'OK' or the error code. */
  code: string;
  status: number;
  requestId: string;
  /** The AccessKey id that signed it (undefined when authentication failed): who made the call. */
  accessKeyId?: string;
  /** Epoch ms when the request arrived. */
  at: number;
  durationMs: number;
}

const VERSIONS: Record<string, Product> = { '2014-05-26': 'ecs', '2016-04-28': 'vpc' };
const HANDLERS: Record<Product, Record<string, Handler>> = { ecs: { ...ecsHandlers, ...ecsPowerHandlers }, vpc: vpcHandlers };
const HOST_ID: Record<Product, (region: string) => string> = { ecs: (r) => `ecs.${r}.aliyuncs.com`, vpc: () => 'vpc.aliyuncs.com' };
/** Actions whose request model has no RegionId. */
const REGIONLESS = new Set(['DescribeInstanceTypes', 'StopInstance', 'StartInstance', 'RebootInstance']);
/** Common parameters of the legacy V2 signature: not API parameters. */
const V2_COMMON = new Set(['AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'SignatureType', 'Timestamp',
  'Format', 'Version', 'Action', 'SecurityToken', 'BearerToken']);

interface ApiServerOptions {
  world: World;
  /** The scenario's pair first, then further keys of the same account. */
  credentials: Credentials | readonly Credentials[];
  faults: FaultEngine;
  qps: Record<string, number>;
  deniedActions: string[];
  /** Seed of the realism layer's transient codes. */
  seed: number;
  requests: RequestLog[];
  onRequest?: (r: RequestLog) => void;
}

export function createApiServer(o: ApiServerOptions): Server {
  const auth = new Authenticator(o.credentials);
  const throttle = new Throttle(o.qps);
  const transients = new TransientCodes(o.world, o.seed);
  const server = createServer((req, res) => {
    handle(o, auth, throttle, transients, req, res).catch((e: unknown) => {
      // Last resort: never leave a socket hanging.
      if (!res.headersSent) { res.statusCode = 500; res.end(); }
      process.stderr.write(`sandbox: unexpected failure: ${(e as Error).stack ?? String(e)}\n`);
    });
  });
  server.keepAliveTimeout = 5000;
  return server;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1_048_576) throw new ApiError('InvalidParameter', 400, 'The request body is too large.');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function pairs(qs: string): [string, string][] {
  return [...new URLSearchParams(qs)];
}

/** The ENIs and DNAT entries a write names: in its parameters (NetworkInterfaceId, ForwardEntryId, ResourceId.N) or its answer. */
function touchNamed(world: World, params: Params, body: Record<string, unknown> | undefined): void {
  for (const [k, v] of Object.entries(params)) if (k === 'NetworkInterfaceId' || k === 'ForwardEntryId' || /^ResourceId\.\d+$/.test(k)) world.touch(v);
  for (const k of ['NetworkInterfaceId', 'ForwardEntryId']) if (typeof body?.[k] === 'string') world.touch(body[k] as string);
}

async function handle(
  o: ApiServerOptions, auth: Authenticator, throttle: Throttle, transients: TransientCodes, req: IncomingMessage, res: ServerResponse,
): Promise<void> {
  const at = Date.now();
  const requestId = randomUUID().toUpperCase();
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const query = pairs(url.search);
  let form: [string, string][] = [];
  let params: Params = {};
  let action = '';
  let product: Product | undefined;
  let status = 200;
  let code = 'OK';
  let delayMs = 0;
  let accessKeyId: string | undefined;
  let body: Record<string, unknown> | undefined;
  let headers: Record<string, string> = {};
  try {
    const raw = await readBody(req);
    const ctype = String(req.headers['content-type'] ?? '');
    if (raw.length && (ctype.includes('application/x-www-form-urlencoded') || ctype === '')) form = pairs(raw.toString('utf8'));
    const all = new Map<string, string>([...query, ...form]);
    action = String(req.headers['x-acs-action'] ?? all.get('Action') ?? '');
    const version = String(req.headers['x-acs-version'] ?? all.get('Version') ?? '');
    params = Object.fromEntries([...all].filter(([k]) => !V2_COMMON.has(k)));
    if (req.method !== 'POST' && req.method !== 'GET') throw new ApiError('UnsupportedHTTPMethod', 400, `HTTP method ${req.method} is not supported.`);
    if (!action) throw err.missing('Action');
    if (!version) throw err.missing('Version');
    product = VERSIONS[version];
    if (!product) throw new ApiError('InvalidVersion', 400, `Specified parameter Version "${version}" is not valid.`);
    accessKeyId = auth.verify({ method: req.method ?? 'POST', headers: req.headers, query, form, body: raw });
    const handler = HANDLERS[product][action];
    if (!handler) throw new ApiError('InvalidAction.NotFound', 404, 'Specified api is not found, please check your url and method.');
    if (o.deniedActions.some((d) => d === `${product}:${action}` || d === `${product}:*`)) throw forbiddenRam(`${product}:${action}`, o.world.realism.ramDenialCode);
    throttle.take(action);
    const fault = o.faults.evaluate(action, product);
    delayMs = o.world.latency.apiMs + fault.latencyMs;
    if (fault.error && !fault.answerLost) throw fault.error;
    const region = params.RegionId;
    if (!region && !REGIONLESS.has(action)) throw err.missing('RegionId');
    if (region && region !== o.world.regionId) throw err.region(region);
    const transient = transients.draw(action, !!params.ClientToken);
    if (transient.before) throw transient.before;
    o.world.settle();
    o.world.observe();
    try {
      body = idempotent(o.world, action, params, () => handler({ world: o.world, params, asyncFailure: fault.asyncFailure }));
    } finally {
      // Reads change nothing; a write changes the resources its request or answer names.
      if (!/^(Describe|List)/.test(action)) touchNamed(o.world, params, body);
      o.world.observe();
    }
    if (fault.error) throw fault.error;
    if (transient.after) throw transient.after;
  } catch (e) {
    if (!(e instanceof ApiError)) {
      process.stderr.write(`sandbox: internal error in ${action || '(no action)'}: ${(e as Error).stack ?? String(e)}\n`);
    }
    const ae = e instanceof ApiError ? e : new ApiError('InternalError', 500, defaultMessageFor('InternalError'));
    status = ae.httpStatus;
    code = ae.code;
    headers = ae.headers;
    const p = product ?? 'ecs';
    body = {
      HostId: HOST_ID[p](o.world.regionId), Code: ae.code, Message: ae.message,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(ae.code)}&product=${p === 'ecs' ? 'Ecs' : 'Vpc'}&requestId=${requestId}`,
      ...ae.extra,
    };
  }
  if (delayMs > 0) await sleep(delayMs);
  const text = JSON.stringify({ RequestId: requestId, ...body });
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-acs-request-id': requestId,
    ...headers,
  });
  res.end(text);
  const entry: RequestLog = { action, product: product ?? 'unknown', params, code, status, requestId, ...(accessKeyId ? { accessKeyId } : {}), at, durationMs: Date.now() - at };
  o.requests.push(entry);
  o.onRequest?.(entry);
}
