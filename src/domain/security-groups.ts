// Would the security groups let a TCP port in from the Internet? Used for the SSH warning in the plan.
//
// Alibaba merges the rules of every group on a NIC and evaluates them by priority (1 = first); at equal priority
// Drop wins over Accept. The bot does not know the address the check will come from, so "open" means: some
// Accept rule admits some public source, and no Drop rule at the same or a better priority covers all of it.

import type { SecurityGroup, SecurityGroupRule } from './cloud-types.ts';
import { cidrContains, cidrHasPublicAddress } from './ipv4.ts';

const lower = (s: string | undefined): string => (s ?? '').trim().toLowerCase();

/** '22/22' → [22, 22]; '-1/-1' → every port; garbage → undefined. */
export function parsePortRange(range: string): [number, number] | undefined {
  const m = /^\s*(-?\d+)\s*\/\s*(-?\d+)\s*$/.exec(range ?? '');
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = Number(m[2]);
  if (a === -1 && b === -1) return [1, 65535];
  if (a < 1 || b > 65535 || a > b) return undefined;
  return [a, b];
}

function ruleCoversTcpPort(rule: SecurityGroupRule, port: number): boolean {
  if (lower(rule.direction) !== 'ingress') return false;
  const proto = lower(rule.ipProtocol);
  if (proto !== 'tcp' && proto !== 'all') return false;
  // Protocol ALL always means every port, whatever PortRange says.
  if (proto === 'all') return true;
  const r = parsePortRange(rule.portRange);
  return !!r && port >= r[0] && port <= r[1];
}

export interface PortReachability {
  open: boolean;
  /** The rule that admits it, as `sg-…: Accept TCP 22/22 from 0.0.0.0/0 (priority 1)`. */
  acceptedBy?: string;
  /** Accept rules that exist but are shadowed by a Drop rule, for the message. */
  shadowedBy?: string;
}

function describeRule(sgId: string, r: SecurityGroupRule): string {
  return `${sgId}: ${r.policy} ${r.ipProtocol.toUpperCase()} ${r.portRange} from ${r.sourceCidrIp ?? '(no CIDR)'} (priority ${r.priority})`;
}

export function tcpPortOpenFromInternet(groups: readonly SecurityGroup[], port: number): PortReachability {
  const rules = groups.flatMap((g) => g.rules.map((rule) => ({ sgId: g.securityGroupId, rule })))
    .filter(({ rule }) => ruleCoversTcpPort(rule, port) && !!rule.sourceCidrIp);
  const accepts = rules.filter(({ rule }) => lower(rule.policy) === 'accept' && cidrHasPublicAddress(rule.sourceCidrIp!));
  const drops = rules.filter(({ rule }) => lower(rule.policy) === 'drop');
  let shadowedBy: string | undefined;
  for (const a of accepts) {
    const blocker = drops.find((d) => d.rule.priority <= a.rule.priority && cidrContains(d.rule.sourceCidrIp!, a.rule.sourceCidrIp!));
    if (!blocker) return { open: true, acceptedBy: describeRule(a.sgId, a.rule) };
    shadowedBy ??= describeRule(blocker.sgId, blocker.rule);
  }
  return shadowedBy ? { open: false, shadowedBy } : { open: false };
}
