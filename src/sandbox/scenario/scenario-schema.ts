// The scenario format: the world the sandbox starts from, as zod schemas with their defaults. Documented field by
// field in docs/sandbox.md; load-scenario.ts parses and cross-checks it.
import { z } from 'zod';
import { guestServicesFields } from '../guest/guest-services-spec.ts';
import { isCidr, isIp } from '../ip.ts';
import { realismSchema } from './realism-schema.ts';

const ip = z.string().refine(isIp, { message: 'expected an IPv4 address like 192.168.1.10' });
const cidr = z.string().refine(isCidr, { message: 'expected a CIDR block like 192.168.0.0/16' });
const id = z.string().min(1, 'must not be empty');
const port = z.union([z.string(), z.number().int()]).transform(String);
const ms = z.number().int().min(0);

const latencySchema = z.strictObject({
  /** Added to every API answer. */
  apiMs: ms.default(0),
  eniAttach: ms.default(3000),
  eniDetach: ms.default(2000),
  eniDelete: ms.default(1000),
  dnatCreate: ms.default(2000),
  dnatDelete: ms.default(2000),
  /** ModifyForwardEntry: Pending → Available (unconfirmed; the create's when not given). */
  dnatModify: ms.optional(),
  /**
   * After an IP mapping's EIP is released (its entry deleted) or moved (a modify applied), Create/ModifyForwardEntry
   * on that EIP answer OperationUnsupported.EipInBinding for this long. terraform retries the code on both
   * (resource_alicloud_forward_entry.go); its duration is unconfirmed. Absent: the realism layer decides
   * (realism.eipInBindingMs, else as long as the delete/modify took; 0 with realism.off: ['eipInBinding']).
   */
  eipRebind: ms.optional(),
  runCommand: ms.default(1500),
  /** StopInstance / RebootInstance: how long Stopping lasts; StartInstance / RebootInstance: Starting (unconfirmed). */
  instanceStop: ms.optional(),
  instanceStart: ms.optional(),
  /** Delay before the public edge sends the SSH banner. */
  edge: ms.default(0),
}).transform((l) => ({ ...l, dnatModify: l.dnatModify ?? l.dnatCreate }));

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
  /**
   * Cloud Assistant agent: true/'running' (heartbeat within 2 min), false/'absent' (not installed),
   * 'notResponding' (installed, heartbeat stale). Answered by DescribeCloudAssistantStatus and by invocations.
   */
  cloudAssistant: z.union([z.boolean(), z.enum(['running', 'absent', 'notResponding'])]).default(true),
  hostname: z.string().optional(),
  /** Listeners, host firewall, rp_filter (guest-services-spec.ts). */
  ...guestServicesFields,
  /** The image, and with it the network stack that applies persisted configuration at boot (guest/guest-images.ts). */
  image: z.enum(['alinux3', 'alinux2', 'centos7', 'ubuntu2204', 'debian12', 'windows2022']).optional(),
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
  /**
   * With `code`: the call is carried out, then answered with the error (the answer was lost; the realism layer's
   * transientCodes do the same with ServiceUnavailable on a write that carries a ClientToken).
   */
  answerLost: z.boolean().optional(),
  /** x-acs-retry-after (ms) sent with a Throttling* code (default 1000). */
  retryAfterMs: z.number().int().min(0).optional(),
});

const instanceTypeSchema = z.strictObject({
  eniQuantity: z.number().int().min(1),
  cpuCoreCount: z.number().int().min(1).optional(),
  memorySize: z.number().min(0).optional(),
});

/** The one AccessKey pair a scenario signs with unless it names its own. */
export const DEFAULT_CREDENTIALS = { accessKeyId: 'LTAI-sandbox', accessKeySecret: 'sandbox-secret' };

export const scenarioSchema = z.strictObject({
  regionId: z.string().min(1).default('cn-hangzhou'),
  accountId: z.string().regex(/^\d+$/).default('1234567890123456'),
  credentials: z.strictObject({ accessKeyId: id, accessKeySecret: id }).default(() => ({ ...DEFAULT_CREDENTIALS })),
  /**
   * Further AccessKey pairs of the same account (an account may hold several keys, e.g. one RAM user per worker):
   * each request's log entry names the key that signed it, so a test can tell callers apart.
   */
  extraCredentials: z.array(z.strictObject({ accessKeyId: id, accessKeySecret: id })).default([]),
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
  /** The realism layer (stale reads, EIP in binding, transient codes, RAM spelling): on unless named in `off`. */
  realism: realismSchema.prefault({}),
  /** Seed for fault probabilities. */
  seed: z.number().int().default(1),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type FaultSpec = z.input<typeof faultSchema>;
export type LatencyMs = z.output<typeof latencySchema>;
