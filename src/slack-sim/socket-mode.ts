import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { isObj } from './block-validation.ts';
import { ACK_DEADLINE_MS } from './platform-rules.ts';
import type { Workspace } from './workspace.ts';
import type { BotReply } from './workspace-types.ts';

/**
 * Socket Mode (https://docs.slack.dev/apis/events-api/using-socket-mode): apps.connections.open hands out a
 * WebSocket URL; each connection gets `hello`, envelopes go to the newest open socket and are acked by envelope_id.
 */

export const SOCKET_PATH = '/link/';

export class SocketModeServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets: WebSocket[] = [];
  private readonly pendingAcks = new Map<string, (payload: unknown) => void>();
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly ws: Workspace, server: Server) {
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== SOCKET_PATH && url.pathname !== '/link') {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (s) => this.accept(s));
    });
  }

  private accept(s: WebSocket): void {
    this.sockets.push(s);
    s.on('message', (data) => {
      try {
        const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (msg.envelope_id) this.pendingAcks.get(msg.envelope_id)?.(msg.payload);
      } catch {
        /* not an ack */
      }
    });
    s.on('close', () => this.sockets.splice(this.sockets.indexOf(s), 1));
    s.send(JSON.stringify({ type: 'hello', num_connections: this.sockets.length, debug_info: { host: 'fake', approximate_connection_time: 18060 }, connection_info: { app_id: this.ws.appId } }));
    for (const w of this.waiters.splice(0)) w();
  }

  get connected(): boolean {
    return this.sockets.length > 0;
  }

  /** Resolves once a client connected and got `hello`. */
  whenConnected(): Promise<void> {
    return this.sockets.length ? Promise.resolve() : new Promise<void>((r) => this.waiters.push(r));
  }

  /** Send an envelope and wait for its ack; the ack's payload is the reply (a slash command's answer). */
  async deliver(type: 'slash_commands' | 'interactive' | 'events_api', payload: unknown, retryAttempt = 0): Promise<BotReply> {
    const s = this.sockets[this.sockets.length - 1];
    if (!s) throw new Error('fake slack: no Socket Mode connection');
    const envelopeId = randomBytes(8).toString('hex');
    const acked = new Promise<unknown>((resolve, reject) => {
      const t = setTimeout(() => {
        if (!this.ws.enforces('ack-deadline')) return;
        this.pendingAcks.delete(envelopeId);
        reject(new Error('fake slack: no Socket Mode ack within 3 s'));
      }, ACK_DEADLINE_MS);
      this.pendingAcks.set(envelopeId, (p) => {
        clearTimeout(t);
        this.pendingAcks.delete(envelopeId);
        resolve(p);
      });
    });
    s.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type === 'slash_commands', retry_attempt: retryAttempt, retry_reason: retryAttempt > 0 ? 'timeout' : '' }));
    const p = await acked;
    const reply: BotReply = { status: 200, text: p === undefined ? '' : JSON.stringify(p), rawBody: '', timestamp: 0, signature: '' };
    if (isObj(p)) reply.json = p;
    return reply;
  }

  close(): void {
    for (const s of this.sockets) s.terminate();
    this.wss.close();
  }
}
