// Scenario files: the world the sandbox starts from. Validated with zod, then cross-checked so an inconsistent
// world (a DNAT entry on an EIP the NAT gateway does not own, an instance IP outside its vSwitch) is refused
// up front with one clear line per problem, instead of misbehaving later. Format: docs/sandbox.md.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { z } from 'zod';
import YAML from 'yaml';
import { cidrContains, cidrWithin, formatIp, isCidr, isIp, isReservedInVSwitch, parseCidr } from './ip.ts';

const ip = z.string().refine(isIp, { message: 'expected an IPv4 address like 192.168.1.10' });
const cidr = z.string().refine(isCidr, { message: 'expected a CIDR block like 192.168.0.0/16' });
const id = z.string().min(1, 'must not be empty');
const port = z.union([z.string(), z.number().int()]).transform(String);
const ms = z.number().int().min(0);

export const latencySchema = z.strictObject({
  /** Added to every API answer. */
  apiMs: ms.default(0),
  eniAttach: ms.default(3000),
  eniDetach: ms.default(2000),
  eniDelete: ms.default(1000),
  dnatCreate: ms.default(2000),
  dnatDelete: ms.default(2000),
  runCommand: ms.default(1500),
  /** Delay before the public edge sends the SSH banner. */
  edge: ms.default(0),
});

const sgRuleSchema = z.strictObject({
  ipProtocol: z.string().refine((p) => ['tcp', 'udp', 'icmp', 'gre', 'all'].includes(p.toLowerCase()), {
    message: 'expected one of tcp, udp, icmp, gre, all',
  }),
  portRange: z.string().regex(/^-?\d+\/-?\d+$/, 'expected "from/to" such as "22/22" or "-1/-1"'),
  sourceCidrIp: cidr.default('0.0.0.0/0'),
  policy: z.string().refine((p) => ['accept', 'drop'].includes(p.toLowerCase()), { message: 'expected accept or drop' }).default('Accept'),
  priority: z.number().int().min(1).max(100).default(1),
  description: z.string().optional(),
});

const securityGroupSchema = z.strictObject({
  securityGroupId: id,
  vpcId: id,
  name: z.string().optional(),
  ingress: z.array(sgRuleSchema).default([]),
  egress: z.array(sgRuleSchema).default([]),
});

const guestSchema = z.strictObject({
  sshBanner: z.string().default('SSH-2.0-OpenSSH_8.0'),
  sshPort: z.number().int().min(1).max(65535).default(22),
  /** Image brings secondary NICs up by itself (DHCP + source policy routing, like multi-nic-util). */
  configuresSecondaryNic: z.boolean().default(false),
  /** Cloud Assistant agent installed and running. */
  cloudAssistant: z.boolean().default(true),
  hostname: z.string().optional(),
});

const instanceSchema = z.strictObject({
  instanceId: id,
  name: z.string().optional(),
  vSwitchId: id,
  privateIp: ip,
  securityGroupIds: z.array(id).min(1, 'an instance needs at least one security group'),
  status: z.enum(['Pending', 'Running', 'Starting', 'Stopping', 'Stopped']).default('Running'),
  instanceType: z.string().default('ecs.g7.large'),
  /** EniQuantity for this instance (primary ENI included); wins over instanceTypes and the built-in table. */
  eniQuota: z.number().int().min(1).optional(),
  /** Static ("classic") public IP of the instance itself. */
  publicIp: ip.optional(),
  /** EIP bound directly to the instance (may also be listed in eips). */
  eipAddress: ip.optional(),
  tags: z.record(z.string(), z.string()).default({}),
  primaryNetworkInterfaceId: z.string().optional(),
  macAddress: z.string().regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, 'expected a lower-case MAC like 00:16:3e:00:00:01').optional(),
  guest: guestSchema.prefault({}),
});

const eipSchema = z.strictObject({
  allocationId: id,
  ipAddress: ip,
  bandwidth: z.number().int().min(1).default(5),
  name: z.string().optional(),
});

const natGatewaySchema = z.strictObject({
  natGatewayId: id,
  vpcId: id,
  vSwitchId: id,
  forwardTableId: id,
  snatTableId: id,
  /** Allocation ids of the EIPs bound to this NAT gateway. */
  eips: z.array(id).default([]),
  name: z.string().optional(),
  spec: z.string().default('Small'),
});

const snatEntrySchema = z.strictObject({
  snatTableId: id,
  snatEntryId: z.string().optional(),
  sourceVSwitchId: z.string().optional(),
  sourceCidr: cidr.optional(),
  /** One IP or several, comma-separated (as the API returns it). */
  snatIp: z.string().refine((s) => s.split(',').every((p) => isIp(p.trim())), { message: 'expected an IPv4 address or a comma-separated list of them' }),
  name: z.string().optional(),
}).refine((s) => !!s.sourceVSwitchId !== !!s.sourceCidr, { message: 'give exactly one of sourceVSwitchId and sourceCidr' });

const dnatEntrySchema = z.strictObject({
  forwardTableId: id,
  forwardEntryId: z.string().optional(),
  externalIp: ip,
  externalPort: port,
  internalIp: ip,
  internalPort: port,
  ipProtocol: z.string().refine((p) => ['tcp', 'udp', 'any'].includes(p.toLowerCase()), { message: 'expected TCP, UDP or Any' }),
  name: z.string().optional(),
  status: z.enum(['Available', 'Pending', 'Deleting', 'Modifying']).default('Available'),
});

export const faultSchema = z.strictObject({
  /** API name ('CreateForwardEntry') or '*' for every action. */
  action: id,
  /** Error code to answer with; omit for a pure latency spike. */
  code: z.string().optional(),
  httpStatus: z.number().int().min(400).max(599).optional(),
  message: z.string().optional(),
  /** Apply to the first N matching calls only (default: every call). */
  times: z.number().int().min(1).optional(),
  /** Arm the fault only this many ms after it was added. */
  afterMs: ms.optional(),
  /** Chance (0..1) that a matching call is hit; deterministic per scenario seed. */
  probability: z.number().min(0).max(1).optional(),
  /** Delay the answer by this much. */
  latencyMs: ms.optional(),
  /** The call is accepted but the asynchronous operation then fails (attach, detach, DNAT create, command). */
  asyncFailure: z.boolean().optional(),
  /** x-acs-retry-after (ms) sent with a Throttling* code (default 1000). */
  retryAfterMs: z.number().int().min(0).optional(),
});

const instanceTypeSchema = z.strictObject({
  eniQuantity: z.number().int().min(1),
  cpuCoreCount: z.number().int().min(1).optional(),
  memorySize: z.number().min(0).optional(),
});

export const scenarioSchema = z.strictObject({
  regionId: z.string().min(1).default('cn-hangzhou'),
  accountId: z.string().regex(/^\d+$/).default('1234567890123456'),
  credentials: z.strictObject({ accessKeyId: id, accessKeySecret: id }).default({ accessKeyId: 'LTAI-sandbox', accessKeySecret: 'sandbox-secret' }),
  latencyMs: latencySchema.prefault({}),
  /** Per-action request rate limits; `default` applies to actions not named. Absent = unlimited. */
  qps: z.record(z.string(), z.number().positive()).default({}),
  vpcs: z.array(z.strictObject({ vpcId: id, cidr, name: z.string().optional() })).default([]),
  vSwitches: z.array(z.strictObject({ vSwitchId: id, vpcId: id, zoneId: id, cidr, name: z.string().optional() })).default([]),
  securityGroups: z.array(securityGroupSchema).default([]),
  instances: z.array(instanceSchema).default([]),
  instanceTypes: z.record(z.string(), instanceTypeSchema).default({}),
  eips: z.array(eipSchema).default([]),
  natGateways: z.array(natGatewaySchema).default([]),
  snatEntries: z.array(snatEntrySchema).default([]),
  dnatEntries: z.array(dnatEntrySchema).default([]),
  /** Max DNAT entries per forward table (the real default quota is 100). */
  forwardEntryQuota: z.number().int().min(1).default(100),
  faults: z.array(faultSchema).default([]),
  /** RAM actions answered with 403 Forbidden.RAM, e.g. "vpc:DeleteForwardEntry" ("ecs:*" works too). */
  deniedActions: z.array(z.string().regex(/^(ecs|vpc):[A-Za-z*]+$/, 'expected "ecs:Action" or "vpc:Action"')).default([]),
  /** Seed for fault probabilities. */
  seed: z.number().int().default(1),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type FaultSpec = z.input<typeof faultSchema>;
export type LatencyMs = z.output<typeof latencySchema>;
export type ScenarioInstance = Scenario['instances'][number];

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(readonly problems: string[], readonly source = 'scenario') {
    super(`invalid ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function lastUsable(cidr: string): string | undefined {
  const c = parseCidr(cidr);
  return c ? formatIp(c.end - 4) : undefined;
}

function pathOf(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

/**
 * Validates a scenario. `input` is a scenario object, a JSON text, or the path of a .json / .yaml / .yml file.
 * Throws ScenarioError listing every problem found.
 */
export function loadScenario(input: unknown): Scenario {
  let source = 'scenario';
  let raw = input;
  if (typeof input === 'string') {
    const text = input.trim();
    if (text.startsWith('{')) {
      try { raw = JSON.parse(text); } catch (e) { throw new ScenarioError([`not valid JSON: ${(e as Error).message}`]); }
    } else {
      source = `scenario file ${input}`;
      let body: string;
      try { body = readFileSync(input, 'utf8'); } catch (e) {
        throw new ScenarioError([`cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`], source);
      }
      const ext = extname(input).toLowerCase();
      try {
        raw = ext === '.yaml' || ext === '.yml' ? YAML.parse(body) : JSON.parse(body);
      } catch (e) {
        throw new ScenarioError([`not valid ${ext === '.yaml' || ext === '.yml' ? 'YAML' : 'JSON'}: ${(e as Error).message}`], source);
      }
    }
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ScenarioError(parsed.error.issues.map((i) => `${pathOf(i.path)}: ${i.message}`), source);
  }
  const problems = crossCheck(parsed.data);
  if (problems.length) throw new ScenarioError(problems, source);
  return parsed.data;
}

/** Referential and network consistency: the world must be one the real cloud could be in. */
function crossCheck(s: Scenario): string[] {
  const p: string[] = [];
  const dup = (kind: string, ids: string[]) => {
    const seen = new Set<string>();
    for (const i of ids) { if (seen.has(i)) p.push(`${kind} "${i}" is declared twice`); seen.add(i); }
  };
  dup('vpc', s.vpcs.map((v) => v.vpcId));
  dup('vSwitch', s.vSwitches.map((v) => v.vSwitchId));
  dup('security group', s.securityGroups.map((g) => g.securityGroupId));
  dup('instance', s.instances.map((i) => i.instanceId));
  dup('EIP', s.eips.map((e) => e.allocationId));
  dup('EIP address', s.eips.map((e) => e.ipAddress));
  dup('NAT gateway', s.natGateways.map((n) => n.natGatewayId));
  dup('forward table', s.natGateways.map((n) => n.forwardTableId));
  dup('SNAT table', s.natGateways.map((n) => n.snatTableId));

  const vpcs = new Map(s.vpcs.map((v) => [v.vpcId, v]));
  const vsws = new Map(s.vSwitches.map((v) => [v.vSwitchId, v]));
  const sgs = new Map(s.securityGroups.map((g) => [g.securityGroupId, g]));
  const eipById = new Map(s.eips.map((e) => [e.allocationId, e]));

  s.vSwitches.forEach((v, i) => {
    const vpc = vpcs.get(v.vpcId);
    if (!vpc) p.push(`vSwitches[${i}].vpcId: VPC "${v.vpcId}" is not declared in vpcs`);
    else if (!cidrWithin(vpc.cidr, v.cidr)) p.push(`vSwitches[${i}].cidr: ${v.cidr} is not inside VPC ${vpc.vpcId} (${vpc.cidr})`);
  });
  s.securityGroups.forEach((g, i) => {
    if (!vpcs.has(g.vpcId)) p.push(`securityGroups[${i}].vpcId: VPC "${g.vpcId}" is not declared in vpcs`);
  });

  const privateIps = new Map<string, string>();
  s.instances.forEach((inst, i) => {
    const at = `instances[${i}]`;
    const vsw = vsws.get(inst.vSwitchId);
    if (!vsw) p.push(`${at}.vSwitchId: vSwitch "${inst.vSwitchId}" is not declared in vSwitches`);
    else if (!cidrContains(vsw.cidr, inst.privateIp) || isReservedInVSwitch(vsw.cidr, inst.privateIp)) {
      p.push(`${at}.privateIp: ${inst.privateIp} is not a usable address of vSwitch ${vsw.vSwitchId} (${vsw.cidr})`);
    }
    const other = privateIps.get(inst.privateIp);
    if (other) p.push(`${at}.privateIp: ${inst.privateIp} is already used by ${other}`);
    privateIps.set(inst.privateIp, inst.instanceId);
    inst.securityGroupIds.forEach((g, j) => {
      const sg = sgs.get(g);
      if (!sg) p.push(`${at}.securityGroupIds[${j}]: security group "${g}" is not declared in securityGroups`);
      else if (vsw && sg.vpcId !== vsw.vpcId) p.push(`${at}.securityGroupIds[${j}]: security group ${g} is in ${sg.vpcId}, the instance is in ${vsw.vpcId}`);
    });
  });

  const natOfEip = new Map<string, string>();
  const tables = new Map<string, { nat: (typeof s.natGateways)[number]; kind: 'forward' | 'snat' }>();
  s.natGateways.forEach((n, i) => {
    const at = `natGateways[${i}]`;
    if (!vpcs.has(n.vpcId)) p.push(`${at}.vpcId: VPC "${n.vpcId}" is not declared in vpcs`);
    const vsw = vsws.get(n.vSwitchId);
    if (!vsw) p.push(`${at}.vSwitchId: vSwitch "${n.vSwitchId}" is not declared in vSwitches`);
    else if (vsw.vpcId !== n.vpcId) p.push(`${at}.vSwitchId: vSwitch ${n.vSwitchId} is in ${vsw.vpcId}, the NAT gateway in ${n.vpcId}`);
    n.eips.forEach((a, j) => {
      if (!eipById.has(a)) p.push(`${at}.eips[${j}]: EIP "${a}" is not declared in eips`);
      const owner = natOfEip.get(a);
      if (owner) p.push(`${at}.eips[${j}]: EIP ${a} is already bound to ${owner}`);
      natOfEip.set(a, n.natGatewayId);
    });
    tables.set(n.forwardTableId, { nat: n, kind: 'forward' });
    tables.set(n.snatTableId, { nat: n, kind: 'snat' });
  });
  for (const n of s.natGateways) {
    const vsw = vsws.get(n.vSwitchId);
    const natIp = vsw ? lastUsable(vsw.cidr) : undefined;
    const clash = s.instances.find((i) => i.privateIp === natIp);
    if (clash) p.push(`instances[${s.instances.indexOf(clash)}].privateIp: ${natIp} is NAT gateway ${n.natGatewayId}'s own address (the last usable one of ${vsw!.cidr})`);
  }
  const natOfIp = new Map<string, string>();
  for (const e of s.eips) { const n = natOfEip.get(e.allocationId); if (n) natOfIp.set(e.ipAddress, n); }
  s.instances.forEach((inst, i) => {
    if (inst.eipAddress && natOfIp.has(inst.eipAddress)) {
      p.push(`instances[${i}].eipAddress: ${inst.eipAddress} is bound to NAT gateway ${natOfIp.get(inst.eipAddress)}`);
    }
  });

  const snatIps = new Set<string>();
  s.snatEntries.forEach((e, i) => {
    const at = `snatEntries[${i}]`;
    const t = tables.get(e.snatTableId);
    if (!t || t.kind !== 'snat') { p.push(`${at}.snatTableId: no NAT gateway has SNAT table "${e.snatTableId}"`); return; }
    for (const one of e.snatIp.split(',').map((x) => x.trim())) {
      snatIps.add(one);
      if (natOfIp.get(one) !== t.nat.natGatewayId) p.push(`${at}.snatIp: ${one} is not an EIP of NAT gateway ${t.nat.natGatewayId}`);
    }
    if (e.sourceVSwitchId) {
      const vsw = vsws.get(e.sourceVSwitchId);
      if (!vsw) p.push(`${at}.sourceVSwitchId: vSwitch "${e.sourceVSwitchId}" is not declared in vSwitches`);
      else if (vsw.vpcId !== t.nat.vpcId) p.push(`${at}.sourceVSwitchId: vSwitch ${vsw.vSwitchId} is not in ${t.nat.vpcId}`);
    }
  });

  const byExternalIp = new Map<string, number[]>();
  const extKeys = new Map<string, number>();
  const intKeys = new Map<string, number>();
  s.dnatEntries.forEach((e, i) => {
    const at = `dnatEntries[${i}]`;
    const t = tables.get(e.forwardTableId);
    if (!t || t.kind !== 'forward') { p.push(`${at}.forwardTableId: no NAT gateway has forward table "${e.forwardTableId}"`); return; }
    if (natOfIp.get(e.externalIp) !== t.nat.natGatewayId) p.push(`${at}.externalIp: ${e.externalIp} is not an EIP of NAT gateway ${t.nat.natGatewayId}`);
    if (snatIps.has(e.externalIp)) p.push(`${at}.externalIp: ${e.externalIp} is also used by an SNAT entry`);
    const vpc = vpcs.get(t.nat.vpcId);
    if (vpc && !cidrContains(vpc.cidr, e.internalIp)) p.push(`${at}.internalIp: ${e.internalIp} is outside VPC ${vpc.vpcId} (${vpc.cidr})`);
    const proto = e.ipProtocol.toLowerCase();
    if (proto === 'any' && (e.externalPort.toLowerCase() !== 'any' || e.internalPort.toLowerCase() !== 'any')) {
      p.push(`${at}: an entry with ipProtocol Any must have externalPort and internalPort Any`);
    }
    const ext = `${e.forwardTableId}|${e.externalIp}|${e.externalPort.toLowerCase()}|${proto}`;
    const int = `${e.forwardTableId}|${e.internalIp}|${e.internalPort.toLowerCase()}|${proto}`;
    if (extKeys.has(ext)) p.push(`${at}: same externalIp/externalPort/ipProtocol as dnatEntries[${extKeys.get(ext)}]`);
    if (intKeys.has(int)) p.push(`${at}: same internalIp/internalPort/ipProtocol as dnatEntries[${intKeys.get(int)}]`);
    extKeys.set(ext, i);
    intKeys.set(int, i);
    byExternalIp.set(e.externalIp, [...(byExternalIp.get(e.externalIp) ?? []), i]);
  });
  for (const [addr, idx] of byExternalIp) {
    if (idx.length > 1 && idx.some((i) => s.dnatEntries[i]!.ipProtocol.toLowerCase() === 'any')) {
      p.push(`dnatEntries[${idx.join(', ')}]: ${addr} is used by an IP mapping, so no other DNAT entry may use it`);
    }
  }
  return p;
}
