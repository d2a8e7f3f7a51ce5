// The service-port checks through the public IP: before the cutover (the baseline) and after it. A port "answers"
// when a TCP connection to it is accepted: directly, the connect itself; through a public edge (a PROXY v1 hop), the
// far end's bytes or its clean close after our half-close (what a server does on EOF). The first bytes are kept as
// evidence (untrusted). Probes go to the network, never to the cloud API.
import { setMaxListeners } from 'node:events';
import net from 'node:net';
import type { PortEvidence } from '../../domain/events.ts';
import type { Plan } from '../../domain/plan-types.ts';
import { sleep } from '../../util/sleep.ts';
import type { PublicEdge } from '../options.ts';

/** At most this many ports per instance are probed (the plan's carried TCP listeners, lowest first). */
export const MAX_PROBED_PORTS = 64;
const PROBE_SOURCE = '192.0.2.11';
const FIRST_BYTES_MAX = 256;
/** Per-probe timeout: an open port answers within a round trip; this only bounds the blackholed ones. */
export const PORT_PROBE_TIMEOUT_MS = 1500;

export interface ProbeResult { answered: boolean; firstBytes: string }

export function probePort(o: { ip: string; port: number; edge?: PublicEdge; timeoutMs: number; signal?: AbortSignal }): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: o.edge?.host ?? o.ip, port: o.edge?.port ?? o.port, allowHalfOpen: true });
    let buf = '';
    let connected = false;
    let settled = false;
    const done = (answered: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ answered, firstBytes: buf.slice(0, FIRST_BYTES_MAX) });
    };
    // Directly, a completed connect is the answer (bytes are a bonus); through an edge only the far end's reply is.
    const timer = setTimeout(() => done(o.edge ? buf.length > 0 : connected), o.timeoutMs);
    const onAbort = () => done(false);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      if (o.edge) socket.write(`PROXY TCP4 ${PROBE_SOURCE} ${o.ip} ${40000 + Math.floor(Math.random() * 20000)} ${o.port}\r\n`);
      socket.end();
    });
    socket.on('data', (c: string) => { if (buf.length < FIRST_BYTES_MAX) buf += c; });
    socket.on('end', () => done(true));
    socket.on('error', () => done(!o.edge && connected));
  });
}

/** Every port at once (≤ MAX_PROBED_PORTS), each with its own short timeout. */
export async function probePorts(o: { ip: string; ports: number[]; edge?: PublicEdge; timeoutMs: number; signal?: AbortSignal }): Promise<Map<number, ProbeResult>> {
  const ports = o.ports.slice(0, MAX_PROBED_PORTS);
  // Up to 64 probes listen for the abort at once: on a signal of their own (one listener on the job's), whose
  // listener limit says so, rather than tripping Node's leak warning on the job's signal at 11.
  const local = new AbortController();
  setMaxListeners(MAX_PROBED_PORTS + 1, local.signal);
  const relay = () => local.abort(o.signal?.reason);
  if (o.signal?.aborted) relay();
  else o.signal?.addEventListener('abort', relay, { once: true });
  try {
    const results = await Promise.all(ports.map((port) => probePort({ ip: o.ip, port, edge: o.edge, timeoutMs: o.timeoutMs, signal: local.signal })));
    return new Map(ports.map((p, i) => [p, results[i]!]));
  } finally {
    o.signal?.removeEventListener('abort', relay);
  }
}

/** The ports the plan found listening that the mapping carries (ok, fixed or accepted; not those closed before). */
export function plannedServicePorts(plan: Plan): PortEvidence[] {
  const s = plan.services;
  if (!s?.checked) return [];
  return s.tcp.filter((p) => p.status !== 'closed_before' && p.status !== 'at_risk').slice(0, MAX_PROBED_PORTS).map((p) => ({
    port: p.port, before: false, ...(p.service ? { service: p.service } : {}), ...(p.process ? { process: p.process } : {}),
    ...(p.status === 'accepted' ? { accepted: true } : {}),
  }));
}

/** The baseline: which planned ports answer now, through the public IP. */
export async function baselinePorts(plan: Plan, o: { edge?: PublicEdge; timeoutMs: number; signal?: AbortSignal }): Promise<PortEvidence[]> {
  const planned = plannedServicePorts(plan);
  if (planned.length === 0) return [];
  const r = await probePorts({ ip: plan.entryToDelete.externalIp, ports: planned.map((p) => p.port), ...o });
  return planned.map((p) => {
    const x = r.get(p.port)!;
    return { ...p, before: x.answered, ...(x.firstBytes ? { firstBytes: x.firstBytes } : {}) };
  });
}

/**
 * After the cutover: every port that answered before, until each answers again or `windowMs` has passed (a fresh
 * probe of the missing ones every `intervalMs`). Ports that did not answer before are not probed again.
 */
export async function afterPorts(ip: string, baseline: PortEvidence[], o: { edge?: PublicEdge; timeoutMs: number; windowMs: number; intervalMs: number; signal?: AbortSignal }): Promise<PortEvidence[]> {
  const out = new Map(baseline.map((p) => [p.port, { ...p }]));
  let missing = baseline.filter((p) => p.before).map((p) => p.port);
  const deadline = Date.now() + o.windowMs;
  for (;;) {
    if (missing.length === 0) break;
    const r = await probePorts({ ip, ports: missing, edge: o.edge, timeoutMs: Math.max(200, Math.min(o.timeoutMs, deadline - Date.now())), signal: o.signal });
    for (const [port, x] of r) {
      const e = out.get(port)!;
      e.after = x.answered;
      if (x.answered && x.firstBytes) e.firstBytes = x.firstBytes;
    }
    missing = missing.filter((p) => !r.get(p)!.answered);
    if (o.signal?.aborted) throw o.signal.reason;
    // Accepted ports are shown, not waited for.
    if (missing.every((p) => out.get(p)!.accepted) || Date.now() + o.intervalMs > deadline) break;
    await sleep(o.intervalMs, o.signal);
  }
  return [...out.values()];
}

/** Ports that answered before, not after, and were not accepted: each fails the verification. */
export const lostPorts = (ports: PortEvidence[]): PortEvidence[] => ports.filter((p) => p.before && p.after === false && !p.accepted);
