// The public edge: a TCP listener standing in for the internet side of every EIP. A client first sends a PROXY v1
// header naming the public IP:port it wants; the edge answers with the guest's SSH banner only when the modelled
// path is whole, otherwise it stays silent like a blackholed connection, and closes after ~30 s.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { World } from '../model/world.ts';
import { DEFAULT_CLIENT_IP, edgeCheck, type EdgeVerdict } from './edge-check.ts';

/** One connection through the edge; `internalIp`: where the path led (which DNAT mapping answered). */
export interface EdgeLogEntry { at: number; srcIp: string; dstIp: string; dstPort: number; ok: boolean; reason: string; internalIp?: string }

const IDLE_CLOSE_MS = 30_000;

export function createEdgeServer(world: World, log: EdgeLogEntry[], idleCloseMs = IDLE_CLOSE_MS): Server & { closeAll(): void } {
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.setTimeout(idleCloseMs, () => sock.destroy());
    let buf = '';
    let answered = false;
    sock.on('data', (chunk) => {
      if (answered) return; // whatever the client says after the header goes nowhere
      buf += chunk.toString('latin1');
      const end = buf.indexOf('\r\n');
      if (end < 0) { if (buf.length > 107) sock.destroy(); return; }
      answered = true;
      const m = /^PROXY TCP4 (\d+\.\d+\.\d+\.\d+) (\d+\.\d+\.\d+\.\d+) (\d+) (\d+)$/.exec(buf.slice(0, end));
      if (!m) { sock.destroy(); return; }
      const [, srcIp, dstIp, , dstPort] = m as unknown as [string, string, string, string, string];
      const v: EdgeVerdict = edgeCheck(world, dstIp, Number(dstPort), srcIp);
      log.push({ at: Date.now(), srcIp, dstIp, dstPort: Number(dstPort), ok: v.ok, reason: v.reason, ...(v.internalIp ? { internalIp: v.internalIp } : {}) });
      if (!v.ok) return;
      const send = () => { if (!sock.destroyed) sock.write(`${v.banner}\r\n`); };
      const delay = world.latency.edge;
      if (delay > 0) setTimeout(send, delay); else send();
    });
  }) as Server & { closeAll(): void };
  server.closeAll = () => { for (const s of sockets) s.destroy(); };
  return server;
}

/**
 * Client side, for tests and tools: asks the edge for <ip>:<port> and resolves the first line the "server" sends
 * (the SSH identification string), or undefined if nothing arrives within timeoutMs.
 */
export function probeEdge(edge: { host: string; port: number }, ip: string, port: number, opts: { timeoutMs?: number; srcIp?: string } = {}): Promise<string | undefined> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  return new Promise((resolve, reject) => {
    const sock = connect(edge.port, edge.host);
    let buf = '';
    const done = (v: string | undefined) => { clearTimeout(timer); sock.destroy(); resolve(v); };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    sock.on('connect', () => sock.write(`PROXY TCP4 ${opts.srcIp ?? DEFAULT_CLIENT_IP} ${ip} 50000 ${port}\r\n`));
    sock.on('data', (c) => {
      buf += c.toString('latin1');
      const end = buf.indexOf('\r\n');
      if (end >= 0) done(buf.slice(0, end));
    });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.on('close', () => done(buf || undefined));
  });
}
