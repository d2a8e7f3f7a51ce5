// The public edge: a TCP listener standing in for the internet side of every EIP. A client first sends a PROXY v1
// header naming the public IP:port it wants; when the modelled path is whole the edge sends the listener's first bytes
// (an SSH banner) and, once the client half-closes, closes too (a TCP server seeing EOF); when the guest would answer
// with a reset (nothing bound, a REJECT rule) it resets the connection; otherwise it stays silent like a blackholed
// connection, and closes after ~30 s. Remote Desktop sends nothing first: to a TPKT-wrapped X.224 Connection Request
// (MS-RDPBCGR 2.2.1.1) it answers with a Connection Confirm carrying an RDP Negotiation Response (2.2.1.2,
// 2.2.1.2.1: selectedProtocol PROTOCOL_HYBRID, i.e. CredSSP/NLA, which Windows Server asks for by default: unconfirmed
// for Alibaba's images); anything else it is sent goes unanswered.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { World } from '../model/world.ts';
import { DEFAULT_CLIENT_IP, edgeCheck, type EdgeVerdict } from './edge-check.ts';

/** One connection through the edge; `internalIp`: where the path led (which DNAT mapping answered). */
export interface EdgeLogEntry { at: number; srcIp: string; dstIp: string; dstPort: number; ok: boolean; reason: string; internalIp?: string }

const IDLE_CLOSE_MS = 30_000;

/** TPKT (version 3, length 19) + X.224 CC (0xD0) + RDP_NEG_RSP (type 2, length 8, selectedProtocol 2 = HYBRID). */
export const X224_CONNECTION_CONFIRM = Buffer.from([0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x02, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00]);
/** Is this the start of a TPKT-wrapped X.224 Connection Request (TPKT version 3, X.224 code 0xE0)? */
const isConnectionRequest = (b: Buffer) => b.length >= 6 && b[0] === 0x03 && b[1] === 0x00 && (b[5]! & 0xf0) === 0xe0;

export function createEdgeServer(world: World, log: EdgeLogEntry[], idleCloseMs = IDLE_CLOSE_MS): Server & { closeAll(): void } {
  const sockets = new Set<Socket>();
  // allowHalfOpen: a client's FIN must not close the edge's side by itself (a blackhole never answers one).
  const server = createServer({ allowHalfOpen: true }, (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.setTimeout(idleCloseMs, () => sock.destroy());
    let buf = '';
    let answered = false;
    let clientEnded = false;
    let responded = false;
    sock.on('end', () => { clientEnded = true; if (responded || rdp) sock.end(); });
    let rdp: Buffer | undefined; // set once the header led to Remote Desktop: what the client sent after it
    const rdpAnswer = () => {
      if (!rdp || responded || sock.destroyed || rdp.length < 6) return;
      responded = true;
      if (isConnectionRequest(rdp)) sock.write(X224_CONNECTION_CONFIRM);
      if (clientEnded) sock.end();
    };
    sock.on('data', (chunk) => {
      if (rdp) { rdp = Buffer.concat([rdp, chunk]); rdpAnswer(); return; }
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
      if (!v.ok) { if (v.refused) sock.resetAndDestroy(); return; }
      if (v.rdp) { rdp = Buffer.from(buf.slice(end + 2), 'latin1'); rdpAnswer(); return; }
      const send = () => {
        if (sock.destroyed) return;
        if (v.firstBytes) sock.write(v.firstBytes, 'utf8');
        responded = true;
        if (clientEnded) sock.end();
      };
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
    sock.on('error', (e) => { if ((e as NodeJS.ErrnoException).code === 'ECONNRESET') { done(undefined); return; } clearTimeout(timer); reject(e); });
    sock.on('close', () => done(buf || undefined));
  });
}

/** A TCP port check through the edge: connect, half-close, and see whether the "server" answers (bytes or a clean close). */
export interface PortProbe { answered: boolean; refused: boolean; firstBytes: string }

export function probeEdgePort(edge: { host: string; port: number }, ip: string, port: number, opts: { timeoutMs?: number; srcIp?: string } = {}): Promise<PortProbe> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  return new Promise((resolve) => {
    const sock = connect({ port: edge.port, host: edge.host, allowHalfOpen: true });
    let buf = '';
    let settled = false;
    const done = (answered: boolean, refused = false) => { if (settled) return; settled = true; clearTimeout(timer); sock.destroy(); resolve({ answered, refused, firstBytes: buf }); };
    const timer = setTimeout(() => done(buf.length > 0), timeoutMs);
    sock.on('connect', () => { sock.write(`PROXY TCP4 ${opts.srcIp ?? DEFAULT_CLIENT_IP} ${ip} 50001 ${port}\r\n`); sock.end(); });
    sock.on('data', (c) => { buf += c.toString('utf8'); });
    sock.on('end', () => done(true));
    sock.on('error', () => done(false, true));
  });
}

/** Client side, for tests and tools: an RDP client's first packet through the edge; the server's answer (hex), if any. */
export function probeEdgeRdp(edge: { host: string; port: number }, ip: string, opts: { timeoutMs?: number; srcIp?: string; port?: number } = {}): Promise<string | undefined> {
  const cr = Buffer.from([0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00]);
  return new Promise((resolve) => {
    const sock = connect(edge.port, edge.host);
    let got = Buffer.alloc(0);
    const done = () => { clearTimeout(timer); sock.destroy(); resolve(got.length ? got.toString('hex') : undefined); };
    const timer = setTimeout(done, opts.timeoutMs ?? 2000);
    sock.on('connect', () => sock.write(Buffer.concat([Buffer.from(`PROXY TCP4 ${opts.srcIp ?? DEFAULT_CLIENT_IP} ${ip} 50002 ${opts.port ?? 3389}\r\n`), cr])));
    sock.on('data', (c) => { got = Buffer.concat([got, c]); if (got.length >= 19) done(); });
    sock.on('error', done);
    sock.on('close', done);
  });
}
