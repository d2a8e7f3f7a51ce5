// The operational HTTP routes (/healthz, /metrics, /admin/queues) as Bolt `customRoutes`, so they share PORT with
// /slack/events; and a plain server for the processes that have no Bolt HTTP receiver (worker, Socket Mode bot).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomRoute } from '@slack/bolt';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;
export type { CustomRoute };

export const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** Wraps an async handler: an unexpected error answers 500 instead of leaving the request hanging. */
export function handler(fn: (req: IncomingMessage, res: ServerResponse) => Promise<void>, onError: (err: unknown) => void): Handler {
  return (req, res) => {
    fn(req, res).catch((err: unknown) => {
      onError(err);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal error' });
      else res.end();
    });
  };
}

/**
 * Route matching for the plain server: the two forms our routes use, an exact path and `<base>{/*rest}` (base and
 * everything under it), which Bolt's path-to-regexp reads the same way.
 */
function matcher(routes: CustomRoute[]): (path: string, method: string) => CustomRoute | undefined {
  const compiled = routes.map((r) => {
    const methods = (Array.isArray(r.method) ? r.method : [r.method]).map((x) => x.toUpperCase());
    const sub = /^(.*)\{\/\*\w+\}$/.exec(r.path);
    const test = sub ? (p: string) => p === sub[1] || p.startsWith(`${sub[1]}/`) : (p: string) => p === r.path;
    return { r, methods, test };
  });
  return (path, method) => compiled.find((c) => c.methods.includes(method) && c.test(path))?.r;
}

export interface PlainServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Serves `routes` on `port` (all interfaces, like Bolt's receiver); 404 for anything else. */
export async function startPlainServer(routes: CustomRoute[], port: number): Promise<PlainServer> {
  const find = matcher(routes);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = find(path, (req.method ?? 'GET').toUpperCase());
    if (!route) {
      res.writeHead(404);
      res.end();
      return;
    }
    route.handler(Object.assign(req, { params: {} }), res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }),
  };
}
