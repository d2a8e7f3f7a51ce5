// What an approval binds to: the approved view of a plan, its hash, and what changed between two plans (shown when
// the live state moved between the approval and the cutover).
import { canonicalJson, sha256Hex } from './canonical.ts';
import { describeDnat } from './dnat.ts';
import type { NewDnatTemplate, Plan } from './plan-types.ts';
import { reasonText, type ServiceReport } from './service-exposure.ts';

/**
 * The services the approver saw (issue 17): each carried TCP port with its bind address, verdict and reasons, the UDP
 * listeners and the uncarried ports. Process names are kept, pids are not in the report at all; a report that could
 * not be made is hashed as "not checked" without its reason (an invocation id or error text changes every read).
 * Absent (never looked at) stays absent.
 */
export function servicesView(r: ServiceReport | undefined): unknown {
  if (!r) return undefined;
  if (!r.checked) return { checked: false };
  const byPort = <T extends { port: number }>(xs: readonly T[]) => [...xs].sort((a, b) => a.port - b.port);
  return {
    checked: true,
    // One readable line per port, so planDifferences can show what changed (guest text: the Slack layer escapes it).
    // "ok" and "fixed" both mean "answers through the ENI": --configure-guest mirrors its rules while staging, before
    // the approval, so the gate finds them in place and the port "ok"; that is what the approver was told.
    tcp: byPort(r.tcp).map((p) => {
      const answers = p.status === 'ok' || p.status === 'fixed';
      return [
        `TCP ${p.port} on ${p.bindIp}${p.process ? ` (${p.process})` : ''}: ${answers ? 'answers' : p.status}`,
        ...(answers ? [] : p.reasons.map((x) => reasonText(x, r.newDevice)).sort()),
      ].join('; ');
    }),
    udp: [...new Set(r.udp.map((u) => `${u.bindIp}:${u.port}`))].sort(),
    notCarried: [...r.notCarried].sort((a, b) => a - b),
  };
}

/**
 * The part of a plan an approver approves. Left out on purpose: warnings and instanceName (informational),
 * entryToDelete.status (transient; the cutover waits for Available anyway), skipSshVerify and cutover (derived from options).
 * The guest's services are in (servicesView): a service that starts, stops or changes its binding or firewall between
 * the plan and the approval makes the approval stale at the gate's recheck.
 * Sets (security groups, SNAT ids, egress IPs) are sorted so API ordering does not make an approval stale.
 */
function approvedView(plan: Plan): Record<string, unknown> {
  const { status: _status, ...entry } = plan.entryToDelete;
  const sorted = (xs: readonly string[]): string[] => [...xs].sort();
  return {
    regionId: plan.regionId,
    instanceId: plan.instanceId,
    vpcId: plan.vpcId,
    vSwitchId: plan.vSwitchId,
    zoneId: plan.zoneId,
    primaryIp: plan.primaryIp,
    natGatewayId: plan.natGatewayId,
    entryToDelete: entry,
    restoreRecipe: plan.restoreRecipe,
    eni: { ...plan.eni, securityGroupIds: sorted(plan.eni.securityGroupIds) },
    newEntries: plan.newEntries,
    expectedEgressIps: sorted(plan.expectedEgressIps),
    snatEntryIds: sorted(plan.snatEntryIds),
    sshPort: plan.sshPort,
    ...(plan.stopToAttach ? { stopToAttach: true } : {}),
    ...(plan.services ? { services: servicesView(plan.services) } : {}),
    options: {
      ...plan.options,
      ...(plan.options.securityGroupIds ? { securityGroupIds: sorted(plan.options.securityGroupIds) } : {}),
    },
  };
}

/** sha256 hex over the canonical JSON of approvedView(plan). Ignores plan.hash itself. */
export function planHash(plan: Plan): string {
  return sha256Hex(canonicalJson({ v: 1, ...approvedView(plan) }));
}

const LABELS: Record<string, string> = {
  regionId: 'region', instanceId: 'instance', vpcId: 'VPC', vSwitchId: 'instance vSwitch', zoneId: 'zone',
  primaryIp: 'primary private IP', natGatewayId: 'NAT gateway', entryToDelete: 'DNAT entry to delete',
  restoreRecipe: 'restore recipe', eni: 'new ENI', newEntries: 'new DNAT entries', expectedEgressIps: 'expected egress IPs',
  snatEntryIds: 'covering SNAT entries', sshPort: 'SSH port', services: 'guest services', stopToAttach: 'stop and start the instance', options: 'options',
};

function render(v: unknown): string {
  if (v === undefined || v === null || v === '') return '(none)';
  if (Array.isArray(v)) {
    if (v.length === 0) return '(none)';
    return v.map((x) => (x !== null && typeof x === 'object' ? renderNewEntry(x as NewDnatTemplate) : String(x))).join(', ');
  }
  if (typeof v === 'object') return canonicalJson(v);
  return String(v);
}

function renderNewEntry(e: NewDnatTemplate): string {
  return `${describeDnat({ ...e, internalIp: 'ENI' })} (${e.forwardTableId})`;
}

function flatten(prefix: string, v: unknown, out: Map<string, unknown>): void {
  // Arrays are compared whole (a list of ports or IPs reads better than element-by-element).
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const obj = v as Record<string, unknown>;
    // Port selection reads better as one value.
    if (prefix.endsWith('.ports') && typeof obj.kind === 'string') {
      out.set(prefix, obj.kind === 'all' ? 'all' : (obj.ports as number[] | undefined)?.join(',') ?? '');
      return;
    }
    for (const k of Object.keys(obj).sort()) flatten(prefix ? `${prefix}.${k}` : k, obj[k], out);
    return;
  }
  out.set(prefix, v);
}

function labelFor(path: string): string {
  const [head, ...rest] = path.split('.');
  const label = LABELS[head ?? ''] ?? head ?? path;
  return rest.length > 0 ? `${label} ${rest.join('.')}` : label;
}

/**
 * What changed between two plans, one readable line per field that the hash covers, e.g.
 * "DNAT entry to delete externalIp: 47.96.1.1 → 47.96.1.9". Empty exactly when the hashes agree.
 */
export function planDifferences(a: Plan, b: Plan): string[] {
  const fa = new Map<string, unknown>();
  const fb = new Map<string, unknown>();
  flatten('', approvedView(a), fa);
  flatten('', approvedView(b), fb);
  const keys = [...new Set([...fa.keys(), ...fb.keys()])].sort((x, y) => orderOf(x) - orderOf(y) || x.localeCompare(y));
  const out: string[] = [];
  for (const k of keys) {
    const before = render(fa.get(k));
    const after = render(fb.get(k));
    if (canonicalJson(fa.get(k) ?? null) !== canonicalJson(fb.get(k) ?? null)) out.push(`${labelFor(k)}: ${before} → ${after}`);
  }
  return out;
}

const ORDER = Object.keys(LABELS);
function orderOf(path: string): number {
  const i = ORDER.indexOf(path.split('.')[0] ?? '');
  return i < 0 ? ORDER.length : i;
}
