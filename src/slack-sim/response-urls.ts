import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readBody } from './http-body.ts';
import { RESPONSE_URL_TTL_MS, RESPONSE_URL_USES } from './platform-rules.ts';
import type { Workspace } from './workspace.ts';
import type { ResponseUrlRecord } from './workspace-types.ts';

/**
 * The response_url of a slash command or a click: the bot answers the person there, ephemeral by default, in the
 * channel, or by replacing or deleting the clicked message
 * (https://docs.slack.dev/interactivity/handling-user-interaction).
 */

export const RESPONSE_URL_PATH = '/response_url/';

/** What the URL was handed out for. */
export interface ResponseUrlInfo {
  channel: string;
  user: string;
  messageTs?: string;
  threadTs?: string;
}

export class ResponseUrls {
  private readonly byPath = new Map<string, ResponseUrlInfo & { created: number; uses: number }>();
  /** Everything POSTed to any response URL, valid or not. */
  readonly received: ResponseUrlRecord[] = [];

  constructor(private readonly ws: Workspace) {}

  create(info: ResponseUrlInfo): string {
    const path = `${RESPONSE_URL_PATH}${this.ws.teamId}/${this.ws.nextSeq()}/${randomBytes(6).toString('hex')}`;
    this.byPath.set(path, { ...info, created: Date.now(), uses: 0 });
    return `${this.ws.baseUrl}${path}`;
  }

  async handle(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ws = this.ws;
    const info = this.byPath.get(path);
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      res.writeHead(400);
      res.end('invalid_payload');
      return;
    }
    this.received.push({ path, body, at: Date.now() });
    if (!info) {
      res.writeHead(404);
      res.end('expired_url');
      return;
    }
    // 5 uses within 30 minutes (platform-rules.ts); what Slack answers after that is unconfirmed.
    if (ws.enforces('response-url-limits')) {
      if (Date.now() - info.created > RESPONSE_URL_TTL_MS) {
        res.writeHead(404);
        res.end('expired_url');
        return;
      }
      if (info.uses >= RESPONSE_URL_USES) {
        res.writeHead(404);
        res.end('used_url');
        return;
      }
    }
    info.uses += 1;
    const text = typeof body.text === 'string' ? body.text : '';
    const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
    const clicked = info.messageTs ? ws.findMessage(info.channel, info.messageTs) : undefined;
    if (body.delete_original === true || body.delete_original === 'true') {
      if (clicked) clicked.deleted = true;
    } else if ((body.replace_original === true || body.replace_original === 'true') && info.messageTs) {
      if (clicked) {
        ws.keepEdit(clicked);
        clicked.text = text;
        if (blocks) clicked.blocks = blocks;
        else delete clicked.blocks;
      }
    } else if (body.response_type === 'in_channel') {
      ws.postAsBot(info.channel, text, { ...(blocks ? { blocks } : {}), ...(info.threadTs ? { threadTs: info.threadTs } : {}) });
    } else {
      ws.showEphemeral({
        via: 'response_url', channel: info.channel, user: info.user, text, at: Date.now(),
        ...(blocks ? { blocks } : {}), ...(info.threadTs ? { threadTs: info.threadTs } : {}),
      });
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  }
}
