import net from 'node:net';
import type { CloudPort } from '../../cloud/cloud-port.ts';
import { isCloudError } from '../../cloud/cloud-error.ts';
import type { EgressEvidence, SshEvidence } from '../../domain/events.ts';
import { parseEgressIp, parseSshBanner } from '../../domain/egress.ts';
import { sleep } from '../../util/sleep.ts';
import type { PublicEdge } from '../options.ts';

/**
 * The two checks that tell whether a cutover worked, as a person would do them by hand (Alibaba's best practice
 * "Configure ECS instances that use DNAT IP mapping to use the same EIP to access the Internet", its test step):
 * an SSH connection to the public IP that reads the server's identification line, and the egress IP the
 * instance sees from an IP-echo page, fetched by Cloud Assistant.
 */

/** Where a PROXY v1 header says the probe comes from (TEST-NET-1: never a real peer). */
const PROBE_SOURCE = '192.0.2.10';

/**
 * One TCP connection that reads the SSH identification line. With an edge, connects there and announces the
 * real destination in a PROXY protocol v1 header (how the sandbox's public edge, or an egress proxy, is reached).
 */
function readSshBanner(o: { ip: string; port: number; edge?: PublicEdge; timeoutMs: number; signal?: AbortSignal; mode?: ProbeMode }): Promise<string> {
  return new Promise((resolve, reject) => {
    const host = o.edge?.host ?? o.ip;
    const port = o.edge?.port ?? o.port;
    const socket = net.connect({ host, port });
    let buf = '';
    let settled = false;
    const done = (err: Error | undefined, line?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err); else resolve(line!);
    };
    const timer = setTimeout(() => done(new Error(`no SSH banner from ${o.ip}:${o.port} within ${o.timeoutMs} ms`)), o.timeoutMs);
    const onAbort = () => done(new Error('aborted'));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    socket.setEncoding('latin1');
    socket.on('connect', () => {
      if (o.edge) socket.write(`PROXY TCP4 ${PROBE_SOURCE} ${o.ip} ${40000 + Math.floor(Math.random() * 20000)} ${o.port}\r\n`);
      if (o.mode === 'rdp') socket.write(X224_CONNECTION_REQUEST);
      // A plain TCP check straight to the public IP: the handshake is the answer. Through an edge (PROXY protocol),
      // the edge's own connection says nothing; it answers with bytes only when the path behind it holds.
      if (o.mode === 'tcp' && !o.edge) done(undefined, `TCP ${o.port} accepted the connection`);
      // Through the edge a service that waits for its client (HTTP, TLS) sends nothing: half-close, as the port probes
      // do, and a clean close in return is its answer (a TCP server seeing EOF closes too).
      if (o.mode === 'tcp' && o.edge) socket.end();
    });
    socket.on('end', () => { if (o.mode === 'tcp') done(undefined, `TCP ${o.port} answered (${buf.length} byte${buf.length === 1 ? '' : 's'}, then closed)`); });
    socket.on('data', (chunk: string) => {
      buf += chunk;
      // An RDP server answers the connection request (a TPKT, 0x03 0x00 …): any answer means something listens.
      if (o.mode === 'rdp' || o.mode === 'tcp') { done(undefined, `${o.mode === 'rdp' ? 'RDP' : `TCP ${o.port}`} answered (${buf.length} byte${buf.length === 1 ? '' : 's'})`); return; }
      const banner = parseSshBanner(buf);
      if (banner) { done(undefined, banner.raw); return; }
      if (buf.length > 8192) done(new Error(`no SSH identification line in the first ${buf.length} bytes from ${o.ip}:${o.port}`));
    });
    socket.on('error', (e) => done(new Error(`${o.ip}:${o.port}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
    socket.on('close', () => done(new Error(`${o.ip}:${o.port} closed the connection without an SSH banner${buf ? ` (got ${JSON.stringify(buf.slice(0, 80))})` : ''}`)));
  });
}

export type ProbeMode = 'ssh' | 'rdp' | 'tcp';

/**
 * An RDP client's first packet (TPKT + X.224 Connection Request with an RDP Negotiation Request, MS-RDPBCGR
 * 2.2.1.1): an RDP server answers it with a Connection Confirm; it sends nothing before.
 */
const X224_CONNECTION_REQUEST = Buffer.from([0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00]);

/** Retries the banner read every `intervalMs` until it works or `windowMs` has passed. */
export async function checkSsh(o: {
  ip: string; port: number; edge?: PublicEdge; windowMs: number; intervalMs: number; signal?: AbortSignal;
  /** Longest one connection waits for the banner (default 5 s). */
  attemptTimeoutMs?: number;
  /** What answers on the port: an SSH server (default), RDP (a Windows guest), or any TCP service (--verify-port). */
  mode?: ProbeMode;
}): Promise<SshEvidence> {
  const deadline = Date.now() + o.windowMs;
  let attempts = 0;
  let lastError = '';
  for (;;) {
    attempts++;
    const remaining = deadline - Date.now();
    try {
      const banner = await readSshBanner({ ip: o.ip, port: o.port, edge: o.edge, timeoutMs: Math.max(200, Math.min(o.attemptTimeoutMs ?? 5_000, remaining)), signal: o.signal, mode: o.mode });
      return { ok: true, host: o.ip, port: o.port, banner, attempts };
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    if (o.signal?.aborted) throw o.signal.reason;
    if (Date.now() + o.intervalMs > deadline) break;
    await sleep(o.intervalMs, o.signal);
  }
  return { ok: false, host: o.ip, port: o.port, attempts, error: lastError };
}

/**
 * The IP-echo fetch: `curl` on Linux; on Windows, PowerShell's Invoke-WebRequest (its .Content). The URL is
 * single-quoted either way (a quote inside is escaped as each shell wants), so it cannot break the script.
 */
function egressScript(url: string, windows: boolean): string {
  return windows
    ? `$ProgressPreference = 'SilentlyContinue'\n(Invoke-WebRequest -UseBasicParsing -Uri '${url.replace(/'/g, "''")}' -TimeoutSec 10).Content`
    : `curl -s --max-time 10 '${url.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the IP-echo fetch on the instance and compares what it printed with the expected IPs (any of them).
 * Retries a failed or unparsable fetch within `windowMs` (a fresh invocation each time: `tokenFor(attempt)`).
 */
export async function checkEgress(cloud: CloudPort, o: {
  instanceId: string; url: string; expectedIps: string[]; windowMs: number; intervalMs: number;
  tokenFor: (attempt: number) => string; signal?: AbortSignal;
  /** Typical RunCommand latency: the first poll of each invocation comes then. */
  expectedMs?: number;
  /** A Windows guest: the fetch runs as RunPowerShellScript. */
  windows?: boolean;
}): Promise<EgressEvidence> {
  const deadline = Date.now() + o.windowMs;
  let last: EgressEvidence = { ok: false, expectedIps: o.expectedIps, rawOutput: '', error: 'not run' };
  for (let attempt = 1; ; attempt++) {
    try {
      const invokeId = await cloud.runCommand({
        instanceId: o.instanceId, script: egressScript(o.url, o.windows === true), name: 'natmigrate-egress-check', timeoutSeconds: 30,
        clientToken: o.tokenFor(attempt), ...(o.windows ? { type: 'RunPowerShellScript' as const } : {}),
      });
      const res = await cloud.waitInvocation(invokeId, o.instanceId, {
        timeoutMs: Math.max(5_000, deadline - Date.now()), signal: o.signal, ...(o.expectedMs !== undefined ? { expectedMs: o.expectedMs } : {}),
      });
      const observedIp = parseEgressIp(res.output);
      const ok = observedIp !== undefined && o.expectedIps.includes(observedIp);
      last = {
        ok, expectedIps: o.expectedIps, rawOutput: res.output, invokeId,
        ...(observedIp ? { observedIp } : {}),
        ...(ok ? {} : { error: observedIp
          ? `egress IP ${observedIp} is not ${o.expectedIps.join(' or ')}`
          : `no IP in the output (invocation ${res.status}${res.exitCode !== undefined ? `, exit ${res.exitCode}` : ''}${res.errorInfo ? `: ${res.errorInfo}` : ''})` }),
      };
      // A parsed but wrong IP is an answer, not a glitch: only an empty/failed fetch is worth another try.
      if (ok || observedIp) return last;
    } catch (e) {
      if (o.signal?.aborted) throw e;
      last = { ok: false, expectedIps: o.expectedIps, rawOutput: '', error: isCloudError(e) ? `${e.action}: ${e.code}: ${e.message}` : String(e) };
    }
    if (Date.now() + o.intervalMs > deadline) return last;
    await sleep(o.intervalMs, o.signal);
  }
}
