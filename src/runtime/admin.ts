// Bull Board at /admin/queues, behind HTTP basic auth, enabled only when NATMIGRATE_ADMIN_USER and
// NATMIGRATE_ADMIN_PASSWORD are both set. Read-only: retrying, promoting or removing jobs by hand would go around
// the job records and approvals; people act through Slack (`status`, `cancel`, `rollback`).
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { ALL_METHODS, type CustomRoute } from './http.ts';

const ADMIN_PATH = '/admin/queues';

// Compare digests so neither the length nor a prefix of the secret leaks through timing.
function same(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

function checkBasicAuth(header: string | undefined, user: string, password: string): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return false;
  // Evaluate both so a wrong user costs the same as a wrong password.
  const okUser = same(decoded.slice(0, i), user);
  const okPass = same(decoded.slice(i + 1), password);
  return okUser && okPass;
}

export function createAdminRoute(o: { queues: Queue[]; user: string; password: string; onDenied?: (req: IncomingMessage) => void }): CustomRoute {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(ADMIN_PATH);
  createBullBoard({
    queues: o.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'natmigrate queues' } },
  });
  const board = serverAdapter.getRouter() as (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
  return {
    path: `${ADMIN_PATH}{/*rest}`,
    method: ALL_METHODS,
    handler(req, res) {
      if (!checkBasicAuth(req.headers.authorization, o.user, o.password)) {
        o.onDenied?.(req);
        res.writeHead(401, { 'www-authenticate': 'Basic realm="natmigrate admin", charset="UTF-8"', 'content-type': 'text/plain' });
        res.end('authentication required\n');
        return;
      }
      // The board is an express app mounted at ADMIN_PATH: hand it the path below the mount point.
      const original = req.url ?? '/';
      const rest = original.slice(ADMIN_PATH.length);
      req.url = rest.startsWith('/') ? rest : `/${rest}`;
      board(req, res, (err?: unknown) => {
        if (!res.headersSent) {
          res.writeHead(err ? 500 : 404, { 'content-type': 'text/plain' });
        }
        res.end(err ? 'error\n' : 'not found\n');
      });
    },
  };
}
