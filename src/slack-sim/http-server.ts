import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { sleep } from '../util/sleep.ts';
import { parseBlocks } from './block-validation.ts';
import { handleUpload, UPLOAD_PATH } from './api-files.ts';
import { readBody } from './http-body.ts';
import { RESPONSE_URL_PATH, type ResponseUrls } from './response-urls.ts';
import { requiredScope } from './platform-rules.ts';
import type { WebApiMethods } from './web-api-method.ts';
import type { Workspace } from './workspace.ts';
import type { Fault, RecordedCall } from './workspace-types.ts';

/**
 * The fake's one HTTP server on loopback: POST /api/<method> (form or JSON bodies, every call recorded, queued
 * faults answered first), the response URLs, and the file upload URLs. Socket Mode upgrades are added by
 * socket-mode.ts.
 */

const API_PATH = '/api/';

async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  const ct = req.headers['content-type'];
  let params: Record<string, unknown> = {};
  if (typeof ct === 'string' && ct.startsWith('application/json')) {
    try {
      params = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      params = {};
    }
  } else {
    params = Object.fromEntries(new URLSearchParams(raw));
  }
  if ('blocks' in params) params.blocks = parseBlocks(params.blocks);
  return params;
}

/** Answers with the fault instead of the method; false when the call goes on (a hang only delays it). */
async function answerFault(fault: Fault, call: RecordedCall, res: ServerResponse): Promise<boolean> {
  switch (fault.kind) {
    case 'rate_limited':
      call.status = 429;
      res.writeHead(429, { 'retry-after': String(fault.retryAfterSec), 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return true;
    case 'http':
      call.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'text/plain' });
      res.end('upstream error');
      return true;
    case 'error':
      call.response = { ok: false, error: fault.error };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(call.response));
      return true;
    case 'hang':
      await sleep(fault.ms);
      return false;
  }
}

/**
 * The platform's answer before the method's own (rules in platform-rules.ts): a 429 when the call's rate limit is
 * spent, `missing_scope` when the app lacks the method's scope. Only for calls with the bot token; the method
 * itself answers not_authed / invalid_auth.
 */
function platformRefusal(ws: Workspace, method: string, params: Record<string, unknown>, auth: string | undefined): { status: number; retryAfter?: number; body: Record<string, unknown> } | undefined {
  if (auth !== `Bearer ${ws.botToken}`) return undefined;
  if (ws.enforces('rate-limits')) {
    const retryAfter = ws.rateLimiter.check(method, params);
    if (retryAfter !== undefined) return { status: 429, retryAfter, body: { ok: false, error: 'ratelimited' } };
  }
  if (ws.enforces('scopes')) {
    const channel = typeof params.channel === 'string' ? params.channel : typeof params.channel_id === 'string' ? params.channel_id : undefined;
    const known = channel !== undefined && ws.channels.has(channel);
    const needed = requiredScope(method, known ? ws.channelKind(channel) : undefined);
    if (needed && !ws.scopes.has(needed)) return { status: 200, body: { ok: false, error: 'missing_scope', needed, provided: [...ws.scopes].join(',') } };
  }
  return undefined;
}

async function handleApi(ws: Workspace, methods: WebApiMethods, method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const params = await readParams(req);
  const auth = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
  const ct = req.headers['content-type'];
  const call: RecordedCall = { seq: ws.nextSeq(), method, at: Date.now(), params, status: 200, response: undefined };
  if (auth) call.authorization = auth;
  if (typeof ct === 'string') call.contentType = ct;
  ws.calls.push(call);

  const latency = ws.latencyOf(method);
  if (latency > 0) await sleep(latency);
  const fault = ws.faults.get(method)?.shift();
  if (fault && (await answerFault(fault, call, res))) return;
  const refusal = platformRefusal(ws, method, params, auth);
  if (refusal) {
    call.status = refusal.status;
    call.response = refusal.body;
    res.writeHead(refusal.status, { 'content-type': 'application/json; charset=utf-8', ...(refusal.retryAfter ? { 'retry-after': String(refusal.retryAfter) } : {}) });
    res.end(JSON.stringify(refusal.body));
    return;
  }
  const handler = methods[method];
  const response = handler ? handler(params, auth) : { ok: false, error: 'unknown_method' };
  call.response = response;
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(response));
}

export function createFakeSlackServer(ws: Workspace, methods: WebApiMethods, responseUrls: ResponseUrls): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const done = (p: Promise<void>) =>
      p.catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
    if (req.method === 'POST' && url.pathname.startsWith(API_PATH)) return void done(handleApi(ws, methods, url.pathname.slice(API_PATH.length), req, res));
    if (req.method === 'POST' && url.pathname.startsWith(RESPONSE_URL_PATH)) return void done(responseUrls.handle(url.pathname, req, res));
    if (req.method === 'POST' && url.pathname.startsWith(UPLOAD_PATH)) return void done(handleUpload(ws, url.pathname, req, res));
    res.writeHead(404);
    res.end();
  });
}
