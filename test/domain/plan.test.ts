import { describe, expect, it } from 'vitest';
import type { Instance } from '../../src/domain/cloud-types.ts';
import type { Plan, PlanInput, PlanResult, RefusalCode } from '../../src/domain/plan-types.ts';
import { REFUSAL_ORDER, buildPlan, restoreRecipeOf } from '../../src/domain/plan.ts';
import { planDifferences, planHash } from '../../src/domain/plan-hash.ts';
import { ramActionFor, refusalFromPermissionError } from '../../src/domain/permission-refusal.ts';
import { F, ctx, makeInput, mapping, secondaryEni, snat } from './fixtures.ts';
import { msg } from '../../src/i18n/catalog.ts';
import type { PlanWarningEntry } from '../../src/domain/plan-warning.ts';

/** The plan's warnings as the engine's English (the catalog's rendering of their codes). */
const warningText = (ws: readonly PlanWarningEntry[]): string => ws.map((w) => msg('en').planWarning({ w })).join('\n');

type Input = PlanInput & { instance: Instance };
type Mut = (i: Input) => void;

function planOf(r: PlanResult): Plan {
  if (!r.ok) throw new Error(`expected a plan, got ${r.refusal.code}: ${r.refusal.message}`);
  return r.plan;
}
function refusalOf(r: PlanResult) {
  if (r.ok) throw new Error('expected a refusal, got a plan');
  return r.refusal;
}

describe('buildPlan: a migratable instance', () => {
  const plan = planOf(buildPlan(makeInput(), ctx));

  it('names the exact entry to delete, every field as read', () => {
    expect(plan.entryToDelete).toEqual(mapping());
    expect(plan.natGatewayId).toBe(F.natGatewayId);
  });

  it('restore recipe is exactly the original CreateForwardEntry fields', () => {
    expect(plan.restoreRecipe).toEqual({
      forwardTableId: F.forwardTableId, externalIp: F.eip, externalPort: 'Any', internalIp: F.primaryIp,
      internalPort: 'Any', ipProtocol: 'Any', forwardEntryName: 'legacy-web-1',
    });
  });

  it('ENI spec follows the instance, named and tagged with the job', () => {
    expect(plan.eni).toEqual({
      vSwitchId: F.vSwitchId, zoneId: F.zoneId, vpcId: F.vpcId, securityGroupIds: [F.sgId],
      name: `natmigrate-${F.instanceId}`,
      description: expect.stringContaining(F.instanceId),
      tags: { 'natmigrate:job': F.jobId, 'natmigrate:instance': F.instanceId },
    });
  });

  it('all ports → one Any/Any/Any entry to the ENI on the same EIP', () => {
    expect(plan.newEntries).toEqual([{
      forwardTableId: F.forwardTableId, externalIp: F.eip, externalPort: 'Any', internalPort: 'Any', ipProtocol: 'Any',
      forwardEntryName: `natmigrate-${F.instanceId}`,
    }]);
  });

  it('expects egress through the covering SNAT entry', () => {
    expect(plan.expectedEgressIps).toEqual([F.snatIp]);
    expect(plan.snatEntryIds).toEqual([F.snatEntryId]);
    expect(plan.sshPort).toBe(22);
    expect(plan.skipSshVerify).toBeUndefined();
  });

  it('carries the instance facts and a sha256 hash', () => {
    expect(plan).toMatchObject({
      regionId: F.region, instanceId: F.instanceId, instanceName: 'web-1', vpcId: F.vpcId, vSwitchId: F.vSwitchId,
      zoneId: F.zoneId, primaryIp: F.primaryIp, options: { ports: { kind: 'all' }, configureGuest: true },
    });
    expect(plan.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(planHash(plan)).toBe(plan.hash);
    expect(plan.warnings).toEqual([]);
  });

  it('is deterministic', () => {
    expect(buildPlan(makeInput(), ctx)).toEqual(buildPlan(makeInput(), ctx));
  });
});

describe('buildPlan: plan details', () => {
  it('restore recipe preserves the casing the API returned and drops an empty name', () => {
    const e = mapping({ ipProtocol: 'any', externalPort: 'ANY', internalPort: 'any', forwardEntryName: '' });
    const plan = planOf(buildPlan(makeInput((i) => { i.dnatEntries = [e]; }), ctx));
    expect(plan.restoreRecipe).toEqual({
      forwardTableId: F.forwardTableId, externalIp: F.eip, externalPort: 'ANY', internalIp: F.primaryIp, internalPort: 'any', ipProtocol: 'any',
    });
    expect(plan.entryToDelete).toEqual(e);
    expect(restoreRecipeOf(e)).not.toHaveProperty('forwardEntryName');
  });

  it('a port list → one TCP entry per port, external = internal', () => {
    const plan = planOf(buildPlan(makeInput((i) => { i.options.ports = { kind: 'list', ports: [22, 443] }; }), ctx));
    expect(plan.newEntries).toEqual([
      { forwardTableId: F.forwardTableId, externalIp: F.eip, externalPort: '22', internalPort: '22', ipProtocol: 'TCP', forwardEntryName: `natmigrate-${F.instanceId}-tcp22` },
      { forwardTableId: F.forwardTableId, externalIp: F.eip, externalPort: '443', internalPort: '443', ipProtocol: 'TCP', forwardEntryName: `natmigrate-${F.instanceId}-tcp443` },
    ]);
    expect(plan.skipSshVerify).toBeUndefined();
  });

  it('ports without 22 skip the SSH check and say so', () => {
    const plan = planOf(buildPlan(makeInput((i) => { i.options.ports = { kind: 'list', ports: [443, 8443] }; }), ctx));
    expect(plan.skipSshVerify).toBe(true);
    expect(warningText(plan.warnings)).toMatch(/--ports 443,8443 does not include 22, so the SSH check .* is skipped/);
  });

  it('vSwitch and security-group overrides shape the ENI', () => {
    const plan = planOf(buildPlan(makeInput((i) => { i.options.vSwitchId = F.sameZoneVSwitchId; i.options.securityGroupIds = [F.otherSgId]; }), ctx));
    expect(plan.eni).toMatchObject({ vSwitchId: F.sameZoneVSwitchId, zoneId: F.zoneId, securityGroupIds: [F.otherSgId] });
    expect(plan.vSwitchId).toBe(F.vSwitchId); // the instance's own vSwitch is unchanged
  });

  it('SNAT coverage through a CIDR works, and several SnatIps are all expected (most specific entry first)', () => {
    const plan = planOf(buildPlan(makeInput((i) => {
      i.snatEntries = [
        snat({ snatEntryId: 'snat-bp1wide00000000000', sourceVSwitchId: undefined, sourceCidr: '192.168.0.0/16', snatIp: '47.96.1.4, 47.96.1.5' }),
        snat({ snatEntryId: 'snat-bp1host00000000000', sourceVSwitchId: undefined, sourceCidr: '192.168.0.10/32', snatIp: F.snatIp }),
        snat({ snatEntryId: 'snat-bp1other0000000000', sourceVSwitchId: F.otherZoneVSwitchId, snatIp: '47.96.1.9' }),
      ];
    }), ctx));
    expect(plan.snatEntryIds).toEqual(['snat-bp1host00000000000', 'snat-bp1wide00000000000']);
    expect(plan.expectedEgressIps).toEqual([F.snatIp, '47.96.1.4', '47.96.1.5']);
  });

  it('the ENI this job already staged does not count against the quota (re-plan at the gate)', () => {
    const staged = secondaryEni({ tags: { 'natmigrate:job': F.jobId, 'natmigrate:instance': F.instanceId } });
    const r = buildPlan(makeInput((i) => {
      i.eniQuantity = 2;
      i.instanceEnis.push(staged);
      i.instance.networkInterfaces.push({ networkInterfaceId: staged.networkInterfaceId, type: 'Secondary', primaryIp: staged.privateIp });
    }), ctx);
    expect(r.ok).toBe(true);
    // …but someone else's ENI does.
    const other = buildPlan(makeInput((i) => { i.eniQuantity = 2; i.instanceEnis.push(secondaryEni()); }), ctx);
    expect(refusalOf(other).code).toBe('EniQuotaFull');
  });

  it('ignores an IP mapping that is being deleted when another one exists', () => {
    const r = buildPlan(makeInput((i) => {
      i.dnatEntries.push(mapping({ forwardEntryId: 'fwd-bp1gone0000000000', externalIp: F.spareEip, status: 'Deleting' }));
    }), ctx);
    expect(planOf(r).entryToDelete.forwardEntryId).toBe(F.mappingId);
  });
});

describe('buildPlan: warnings', () => {
  const warningsOf = (...m: Mut[]) => warningText(planOf(buildPlan(makeInput(...m), ctx)).warnings);
  const rules = (rs: Input['securityGroups'][number]['rules']): Mut => (i) => { i.securityGroups[0]!.rules = rs; };
  const accept = { direction: 'ingress', ipProtocol: 'TCP', portRange: '22/22', sourceCidrIp: '0.0.0.0/0', policy: 'Accept', priority: 5 };

  it.each([
    ['no ingress rule', [], /sg-bp1sg00000000000000 of the new ENI does not accept TCP 22 from the Internet/],
    ['only a private source', [{ ...accept, sourceCidrIp: '10.0.0.0/8' }], /does not accept TCP 22/],
    ['a Drop rule of higher priority wins', [accept, { ...accept, policy: 'Drop', priority: 1 }], /a Drop rule wins: sg-bp1sg00000000000000: Drop TCP 22\/22 from 0.0.0.0\/0 \(priority 1\)/],
    ['Drop wins at equal priority', [accept, { ...accept, policy: 'Drop' }], /a Drop rule wins/],
    ['another port only', [{ ...accept, portRange: '80/80' }], /does not accept TCP 22/],
    ['UDP only', [{ ...accept, ipProtocol: 'UDP' }], /does not accept TCP 22/],
    ['egress rule only', [{ ...accept, direction: 'egress' }], /does not accept TCP 22/],
  ])('warns when SSH is closed: %s', (_name, rs, re) => {
    expect(warningsOf(rules(rs as never))).toMatch(re);
  });

  it.each([
    ['TCP 22 from anywhere', [accept]],
    ['ALL protocols -1/-1', [{ ...accept, ipProtocol: 'ALL', portRange: '-1/-1' }]],
    ['a port range covering 22', [{ ...accept, portRange: '1/1024' }]],
    ['a Drop rule of lower priority does not win', [accept, { ...accept, policy: 'Drop', priority: 10 }]],
    ['a narrower Drop rule leaves the rest open', [accept, { ...accept, policy: 'Drop', priority: 1, sourceCidrIp: '203.0.113.0/24' }]],
    ['lower-case protocol and policy', [{ ...accept, ipProtocol: 'tcp', policy: 'accept' }]],
  ])('no SSH warning: %s', (_name, rs) => {
    expect(warningsOf(rules(rs as never))).not.toMatch(/TCP 22/);
  });

  it('says when a security group could not be read', () => {
    expect(warningsOf((i) => { i.securityGroups = []; })).toMatch(/Could not read security group sg-bp1sg00000000000000/);
  });

  it('notes a Pending entry, a missing --configure-guest and port-forwarding entries that stay', () => {
    const w = warningsOf((i) => {
      i.dnatEntries = [mapping({ status: 'Pending' }), mapping({ forwardEntryId: 'fwd-bp1port000000000000', externalIp: F.spareEip, externalPort: '8080', internalPort: '80', ipProtocol: 'TCP' })];
      i.options.configureGuest = false;
    });
    expect(w).toMatch(/DNAT entry fwd-bp1map000000000000 is Pending, not Available/);
    expect(w).toMatch(/Without --configure-guest/);
    expect(w).toMatch(/fwd-bp1port000000000000 \(TCP 47.96.1.3:8080 → 192.168.0.10:80\) to the primary IP stay as they are/);
  });
});

// One mutator per refusal, each producing exactly that refusal on the healthy base.
const REFUSERS: Record<Exclude<RefusalCode, 'PermissionDenied' | 'SshNotAllowed'>, Mut> = {
  InstanceNotFound: (i) => { (i as PlanInput).instance = undefined; },
  NoNatGateway: (i) => { i.natGateways = []; },
  AlreadyMigrated: (i) => {
    i.dnatEntries = i.dnatEntries.filter((e) => e.internalIp !== F.primaryIp);
    i.instanceEnis.push(secondaryEni());
    i.dnatEntries.push(mapping({ forwardEntryId: 'fwd-bp1done0000000000', internalIp: F.secondaryIp, forwardEntryName: `natmigrate-${F.instanceId}` }));
  },
  NoIpMapping: (i) => { i.dnatEntries = i.dnatEntries.filter((e) => e.internalIp !== F.primaryIp); },
  AmbiguousIpMapping: (i) => {
    i.natGateways[0]?.ips.push({ ipAddress: F.spareEip, allocationId: 'eip-bp1c', usingStatus: 'UsedByForwardTable' });
    i.dnatEntries.push(mapping({ forwardEntryId: 'fwd-bp1dup0000000000', externalIp: F.spareEip }));
  },
  InstanceHasPublicIp: (i) => { if (i.instance) i.instance.eipAddress = '121.40.1.1'; },
  EipNotOnNatGateway: (i) => { for (const g of i.natGateways) g.ips = g.ips.filter((ip) => ip.ipAddress !== F.eip); },
  EipUsedBySnat: (i) => { for (const s of i.snatEntries) { s.snatIp = `${s.snatIp},${F.eip}`; s.snatIps.push(F.eip); } },
  NoSnatCoverage: (i) => { for (const s of i.snatEntries) { s.sourceVSwitchId = F.otherZoneVSwitchId; s.sourceCidr = '10.0.0.0/8'; } },
  BadOption: (i) => { i.options.ports = { kind: 'list', ports: [0] }; },
  InstanceNotRunning: (i) => { if (i.instance) i.instance.status = 'Stopped'; },
  AttachRequiresStop: (i) => { if (i.instance) i.instance.instanceType = 'ecs.t5-lc1m1.small'; },
  EniQuotaFull: (i) => { i.eniQuantity = 1; },
  CloudAssistantUnavailable: (i) => { i.cloudAssistant = { read: true, agent: { instanceId: F.instanceId, running: false, version: '' } }; },
  ServiceAtRisk: (i) => { i.guest = { output: '### ss\ntcp LISTEN 0 128 192.168.0.10:25 0.0.0.0:*\n### ip\n2: eth0    inet 192.168.0.10/24 scope global eth0\n' }; },
};

describe('buildPlan: refusals', () => {
  it('REFUSAL_ORDER lists every refusal the planner produces', () => {
    expect([...REFUSAL_ORDER].sort()).toEqual(Object.keys(REFUSERS).sort());
  });

  const cases: Array<[string, RefusalCode, Mut[], RegExp]> = [
    ['instance missing', 'InstanceNotFound', [REFUSERS.InstanceNotFound], /Instance i-bp1aaaaaaaaaaaaaaaaa was not found in region cn-hangzhou/],
    ['instance stopped', 'InstanceNotRunning', [REFUSERS.InstanceNotRunning], /Instance i-bp1aaaaaaaaaaaaaaaaa is Stopped, not Running; start it/],
    ['instance starting', 'InstanceNotRunning', [(i) => { i.instance.status = 'Starting'; }], /is Starting, not Running/],
    ['no NAT gateway', 'NoNatGateway', [REFUSERS.NoNatGateway], /VPC vpc-bp1vpc000000000000 of instance i-bp1aaaaaaaaaaaaaaaaa has no NAT gateway/],
    ['only a NAT gateway of another VPC', 'NoNatGateway', [(i) => { i.natGateways[0]!.vpcId = F.otherVpcId; }], /has no NAT gateway/],
    ['entry in a table of no gateway', 'NoNatGateway', [(i) => { i.dnatEntries[0]!.forwardTableId = 'ftb-bp1zzz'; delete i.dnatEntries[0]!.natGatewayId; }], /forward table ftb-bp1zzz, which belongs to no NAT gateway/],
    ['no IP mapping', 'NoIpMapping', [REFUSERS.NoIpMapping], /i-bp1aaaaaaaaaaaaaaaaa \(192.168.0.10\) has no DNAT IP mapping \(Any\/Any\/Any\) on NAT gateway ngw-bp1ngw000000000000, so there is nothing to migrate/],
    ['only port forwarding to the primary IP', 'NoIpMapping', [(i) => { i.dnatEntries = [mapping({ ipProtocol: 'TCP', externalPort: '22', internalPort: '22' })]; }], /its 1 port-forwarding entry does not change its egress/],
    ['protocol Any but one port set', 'NoIpMapping', [(i) => { i.dnatEntries = [mapping({ externalPort: '22' })]; }], /no DNAT IP mapping/],
    ['the mapping is being deleted', 'NoIpMapping', [(i) => { i.dnatEntries[0]!.status = 'Deleting'; }], /no DNAT IP mapping/],
    ['a mapping to another IP', 'NoIpMapping', [(i) => { i.dnatEntries[0]!.internalIp = '192.168.0.99'; }], /no DNAT IP mapping/],
    ['already migrated (IP mapping to the secondary ENI)', 'AlreadyMigrated', [REFUSERS.AlreadyMigrated], /already migrated: DNAT entry fwd-bp1done0000000000 \(IP mapping 47.96.1.1 → 192.168.0.20\) targets its secondary ENI eni-bp1second000000000/],
    ['already migrated (port entries to the secondary ENI, seen in DescribeInstances only)', 'AlreadyMigrated', [
      REFUSERS.NoIpMapping,
      (i) => {
        i.instance.networkInterfaces.push({ networkInterfaceId: F.secondaryEniId, type: 'Secondary', primaryIp: F.secondaryIp });
        i.dnatEntries.push(mapping({ forwardEntryId: 'fwd-bp1p22', internalIp: F.secondaryIp, ipProtocol: 'TCP', externalPort: '22', internalPort: '22' }));
      },
    ], /DNAT entry fwd-bp1p22 \(TCP 47.96.1.1:22 → 192.168.0.20:22\) targets its secondary ENI eni-bp1second000000000/],
    ['two IP mappings', 'AmbiguousIpMapping', [REFUSERS.AmbiguousIpMapping], /has 2 DNAT IP mappings to 192.168.0.10 \(fwd-bp1dup0000000000 via 47.96.1.3, fwd-bp1map000000000000 via 47.96.1.1\); remove all but one/],
    ['no SNAT entry', 'NoSnatCoverage', [(i) => { i.snatEntries = []; }], /No Available SNAT entry covers instance i-bp1aaaaaaaaaaaaaaaaa \(vSwitch vsw-bp1vsw000000000000, 192.168.0.10\), so it would lose Internet egress/],
    ['SNAT for another vSwitch / CIDR', 'NoSnatCoverage', [REFUSERS.NoSnatCoverage], /would lose Internet egress/],
    ['SNAT entry still Pending', 'NoSnatCoverage', [(i) => { i.snatEntries[0]!.status = 'Pending'; }], /\(snat-bp1snat00000000000 is Pending\)/],
    ['SNAT entry without any IP', 'NoSnatCoverage', [(i) => { i.snatEntries[0]!.snatIp = ' '; i.snatEntries[0]!.snatIps = []; }], /would lose Internet egress/],
    ['EIP in a SNAT comma list', 'EipUsedBySnat', [REFUSERS.EipUsedBySnat], /EIP 47.96.1.1 of DNAT entry fwd-bp1map000000000000 is also used by SNAT entry snat-bp1snat00000000000/],
    ['EIP in a SNAT entry of another scope', 'EipUsedBySnat', [(i) => { i.snatEntries.push(snat({ snatEntryId: 'snat-bp1x', sourceVSwitchId: F.otherZoneVSwitchId, snatIp: ` ${F.eip} ` })); }], /also used by SNAT entry snat-bp1x/],
    ['EIP marked as used by SNAT on the gateway', 'EipUsedBySnat', [(i) => { i.natGateways[0]!.ips[0]!.usingStatus = 'usedbyforwardsnattable'; }], /the SNAT table of ngw-bp1ngw000000000000/],
    ['EIP not on the NAT gateway', 'EipNotOnNatGateway', [REFUSERS.EipNotOnNatGateway], /EIP 47.96.1.1 of DNAT entry fwd-bp1map000000000000 is not bound to NAT gateway ngw-bp1ngw000000000000/],
    ['instance has its own EIP', 'InstanceHasPublicIp', [REFUSERS.InstanceHasPublicIp], /Instance i-bp1aaaaaaaaaaaaaaaaa has its own public IP 121.40.1.1/],
    ['instance has a static public IP', 'InstanceHasPublicIp', [(i) => { i.instance.publicIps = ['', '118.31.1.1']; }], /own public IP 118.31.1.1/],
    ['burstable t5 attaches only when Stopped', 'AttachRequiresStop', [REFUSERS.AttachRequiresStop], /is of type ecs.t5-lc1m1.small \(family ecs.t5\), which takes a secondary ENI only while Stopped/],
    ['n4 attaches only when Stopped', 'AttachRequiresStop', [(i) => { i.instance.instanceType = 'ecs.n4.large'; }], /family ecs.n4\)/],
    ['s6 attaches only when Stopped', 'AttachRequiresStop', [(i) => { i.instance.instanceType = 'ecs.s6-c1m2.large'; }], /family ecs.s6\)/],
    ['ENI quota full', 'EniQuotaFull', [REFUSERS.EniQuotaFull], /already has 1 of its 1 ENIs attached \(eni-bp1primary00000000\)/],
    ['ENI quota full with a secondary ENI', 'EniQuotaFull', [(i) => { i.eniQuantity = 2; i.instanceEnis.push(secondaryEni()); }], /already has 2 of its 2 ENIs/],
    ['Cloud Assistant agent absent', 'CloudAssistantUnavailable', [REFUSERS.CloudAssistantUnavailable],
      /Nothing was changed: the Cloud Assistant agent is not installed on instance i-bp1aaaaaaaaaaaaaaaaa, and the job needs it to bring up the new NIC \(--configure-guest\) and check the egress IP after the cutover\. Install the agent/],
    ['Cloud Assistant agent not responding', 'CloudAssistantUnavailable',
      [(i) => { i.options.configureGuest = false; i.cloudAssistant = { read: true, agent: { instanceId: F.instanceId, running: false, version: '2.2.3.857', lastHeartbeatTime: '2026-12-05T01:00:00Z' } }; }],
      /agent on instance i-bp1aaaaaaaaaaaaaaaaa \(version 2\.2\.3\.857\) has sent no heartbeat since 2026-12-05T01:00:00Z, and the job needs it to check the egress IP after the cutover\. Restart the agent/],
    ['Cloud Assistant status not answered for the instance', 'CloudAssistantUnavailable', [(i) => { i.cloudAssistant = { read: true }; }],
      /DescribeCloudAssistantStatus did not answer for instance i-bp1aaaaaaaaaaaaaaaaa/],
    ['port 0', 'BadOption', [REFUSERS.BadOption], /ports must be whole numbers from 1 to 65535/],
    ['port 65536', 'BadOption', [(i) => { i.options.ports = { kind: 'list', ports: [22, 65536] }; }], /--ports has 65536/],
    ['no ports', 'BadOption', [(i) => { i.options.ports = { kind: 'list', ports: [] }; }], /needs at least one port/],
    ['21 ports', 'BadOption', [(i) => { i.options.ports = { kind: 'list', ports: Array.from({ length: 21 }, (_, k) => 1000 + k) }; }], /at most 20/],
    ['duplicate ports', 'BadOption', [(i) => { i.options.ports = { kind: 'list', ports: [22, 22] }; }], /repeats 22/],
    ['unknown vSwitch', 'BadOption', [(i) => { i.options.vSwitchId = 'vsw-bp1nope00000000000'; }], /vSwitch vsw-bp1nope00000000000 was not found in VPC vpc-bp1vpc000000000000/],
    ['vSwitch in another zone', 'BadOption', [(i) => { i.options.vSwitchId = F.otherZoneVSwitchId; }], /is in zone cn-hangzhou-i, but the ENI must be in the instance's zone cn-hangzhou-h/],
    ['vSwitch in another VPC', 'BadOption', [(i) => { i.options.vSwitchId = F.otherVpcVSwitchId; }], /is in vpc-bp1vpc999999999999, not in vpc-bp1vpc000000000000/],
    ['unknown security group', 'BadOption', [(i) => { i.options.securityGroupIds = ['sg-bp1nope0000000000']; }], /Security group sg-bp1nope0000000000 was not found/],
    ['security group of another VPC', 'BadOption', [(i) => { i.options.securityGroupIds = [F.otherVpcSgId]; }], /belongs to vpc-bp1vpc999999999999/],
    ['empty security-group override', 'BadOption', [(i) => { i.options.securityGroupIds = []; }], /override is empty/],
    ['a service on the primary address only', 'ServiceAtRisk', [REFUSERS.ServiceAtRisk], /TCP 25 \(smtp\): listens on the primary address 192\.168\.0\.10 only.*Nothing was staged.*--accept-port 25/],
  ];

  it('--accept-port lets the plan through with the port marked accepted; the report stays on the plan', () => {
    const input = makeInput(REFUSERS.ServiceAtRisk, (i) => { i.options.acceptPorts = [25]; });
    const r = buildPlan(input, ctx);
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.plan.services).toMatchObject({ checked: true, tcp: [{ port: 25, status: 'accepted', reasons: [{ kind: 'bound_to_primary', address: '192.168.0.10' }] }] });
  });

  it.each(cases)('%s → %s', (_name, code, muts, message) => {
    const r = refusalOf(buildPlan(makeInput(...muts), ctx));
    expect(r.code).toBe(code);
    expect(r.message).toMatch(message);
    // One sentence: ends with a period, no line breaks.
    expect(r.message).toMatch(/\.$/);
    expect(r.message).not.toMatch(/\n/);
  });

  it('every refusal code has a case above', () => {
    expect(new Set(cases.map((c) => c.at(1)))).toEqual(new Set(REFUSAL_ORDER));
  });

  it('details name the facts behind AmbiguousIpMapping and AlreadyMigrated', () => {
    expect(refusalOf(buildPlan(makeInput(REFUSERS.AmbiguousIpMapping), ctx)).details).toEqual({ forwardEntryIds: ['fwd-bp1dup0000000000', F.mappingId] });
    expect(refusalOf(buildPlan(makeInput(REFUSERS.AlreadyMigrated), ctx)).details).toMatchObject({ forwardEntryIds: ['fwd-bp1done0000000000'], networkInterfaceId: F.secondaryEniId });
  });

  // For every pair of checks, the one earlier in REFUSAL_ORDER wins.
  const pairs: Array<[RefusalCode, RefusalCode]> = [];
  for (let a = 0; a < REFUSAL_ORDER.length; a++) {
    for (let b = a + 1; b < REFUSAL_ORDER.length; b++) pairs.push([REFUSAL_ORDER[a]!, REFUSAL_ORDER[b]!]);
  }
  it.each(pairs)('%s wins over %s', (first, second) => {
    const r = refusalOf(buildPlan(makeInput(REFUSERS[second as keyof typeof REFUSERS], REFUSERS[first as keyof typeof REFUSERS]), ctx));
    expect(r.code).toBe(first);
  });
});

describe('plan hash', () => {
  const base = planOf(buildPlan(makeInput(), ctx));

  function reverseKeys<T>(v: T): T {
    if (Array.isArray(v)) return v.map(reverseKeys) as T;
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).reverse().map(([k, x]) => [k, reverseKeys(x)])) as T;
    }
    return v;
  }

  it('is stable across key order and the order the API lists SNAT entries and security groups in', () => {
    const twoSnat = (i: Input) => { i.snatEntries.push(snat({ snatEntryId: 'snat-bp1zz', sourceVSwitchId: undefined, sourceCidr: '192.168.0.0/24', snatIp: '47.96.1.8' })); };
    const a = planOf(buildPlan(makeInput(twoSnat), ctx));
    const reversedInput = reverseKeys(makeInput(twoSnat));
    reversedInput.snatEntries.reverse();
    const b = planOf(buildPlan(reversedInput, ctx));
    expect(b.hash).toBe(a.hash);
    expect(planHash(reverseKeys(a))).toBe(a.hash);
    const sgs = (order: string[]) => planOf(buildPlan(makeInput((i) => { i.options.securityGroupIds = order; }), ctx)).hash;
    expect(sgs([F.sgId, F.otherSgId])).toBe(sgs([F.otherSgId, F.sgId]));
  });

  const changes: Array<[string, Mut]> = [
    ['the entry id', (i) => { i.dnatEntries[0]!.forwardEntryId = 'fwd-bp1new'; }],
    ['the EIP', (i) => { i.dnatEntries[0]!.externalIp = F.spareEip; i.natGateways[0]!.ips.push({ ipAddress: F.spareEip, allocationId: 'x' }); }],
    ['the entry name', (i) => { i.dnatEntries[0]!.forwardEntryName = 'renamed'; }],
    ['the protocol casing', (i) => { i.dnatEntries[0]!.ipProtocol = 'any'; }],
    ['the ENI security groups', (i) => { i.options.securityGroupIds = [F.otherSgId]; }],
    ['the ENI vSwitch', (i) => { i.options.vSwitchId = F.sameZoneVSwitchId; }],
    ['the ports', (i) => { i.options.ports = { kind: 'list', ports: [22] }; }],
    ['configure-guest', (i) => { i.options.configureGuest = false; }],
    ['the SNAT IPs', (i) => { i.snatEntries[0]!.snatIp = '47.96.1.7'; i.snatEntries[0]!.snatIps = ['47.96.1.7']; }],
    ['the instance security groups', (i) => { i.instance.securityGroupIds = [F.otherSgId]; }],
    ['the primary IP', (i) => { i.instance.primaryIp = '192.168.0.11'; i.dnatEntries[0]!.internalIp = '192.168.0.11'; }],
  ];
  it.each(changes)('changes with %s, and planDifferences says what changed', (_name, mut) => {
    const changed = planOf(buildPlan(makeInput(mut), ctx));
    expect(changed.hash).not.toBe(base.hash);
    expect(planDifferences(base, changed).length).toBeGreaterThan(0);
  });

  it('changes with the job id (it is in the ENI tags)', () => {
    expect(planOf(buildPlan(makeInput(), { jobId: 'migrate-cn-hangzhou-other' })).hash).not.toBe(base.hash);
  });

  const noChanges: Array<[string, Mut]> = [
    ['the instance name', (i) => { i.instance.instanceName = 'renamed'; }],
    ['the entry status', (i) => { i.dnatEntries[0]!.status = 'Pending'; }],
    ['a warning appearing', (i) => { i.securityGroups[0]!.rules = []; }],
    ['an unrelated DNAT entry', (i) => { i.dnatEntries.push(mapping({ forwardEntryId: 'fwd-bp1other', internalIp: '192.168.0.77' })); }],
    ['our own staged ENI appearing', (i) => { i.instanceEnis.push(secondaryEni({ tags: { 'natmigrate:job': F.jobId } })); }],
  ];
  it.each(noChanges)('does not change with %s', (_name, mut) => {
    const same = planOf(buildPlan(makeInput(mut), ctx));
    expect(same.hash).toBe(base.hash);
    expect(planDifferences(base, same)).toEqual([]);
  });
});

describe('planDifferences', () => {
  const base = planOf(buildPlan(makeInput(), ctx));
  const diff = (...m: Mut[]) => planDifferences(base, planOf(buildPlan(makeInput(...m), ctx)));

  it('is empty for the same plan', () => {
    expect(planDifferences(base, base)).toEqual([]);
  });

  it('reads like a list of changes', () => {
    expect(diff((i) => { i.dnatEntries[0]!.forwardEntryId = 'fwd-bp1new'; })).toEqual([
      'DNAT entry to delete forwardEntryId: fwd-bp1map000000000000 → fwd-bp1new',
    ]);
    expect(diff((i) => { i.options.ports = { kind: 'list', ports: [22, 443] }; })).toEqual([
      'new DNAT entries: IP mapping 47.96.1.1 → ENI (ftb-bp1ftb000000000000) → TCP 47.96.1.1:22 → ENI:22 (ftb-bp1ftb000000000000), TCP 47.96.1.1:443 → ENI:443 (ftb-bp1ftb000000000000)',
      'options ports: all → 22,443',
    ]);
    expect(diff((i) => { i.options.securityGroupIds = [F.sgId, F.otherSgId]; })).toEqual([
      `new ENI securityGroupIds: ${F.sgId} → ${F.sgId}, ${F.otherSgId}`,
      `options securityGroupIds: (none) → ${F.sgId}, ${F.otherSgId}`,
    ]);
  });

  it('lists the EIP change in the entry, the recipe and the new entries', () => {
    const d = diff((i) => { i.dnatEntries[0]!.externalIp = F.spareEip; i.natGateways[0]!.ips.push({ ipAddress: F.spareEip, allocationId: 'x' }); });
    expect(d).toContain('DNAT entry to delete externalIp: 47.96.1.1 → 47.96.1.3');
    expect(d).toContain('restore recipe externalIp: 47.96.1.1 → 47.96.1.3');
    expect(d.some((l) => l.startsWith('new DNAT entries:'))).toBe(true);
  });
});

describe('refusalFromPermissionError', () => {
  it('names the denied RAM action', () => {
    expect(refusalFromPermissionError('DeleteForwardEntry', 'vpc:DeleteForwardEntry')).toEqual({
      code: 'PermissionDenied',
      message: "natmigrate's RAM identity may not call vpc:DeleteForwardEntry (DeleteForwardEntry was denied with Forbidden.RAM); grant vpc:DeleteForwardEntry in its RAM policy and retry.",
      details: { action: 'DeleteForwardEntry', deniedAction: 'vpc:DeleteForwardEntry' },
    });
  });
  it.each([
    ['CreateNetworkInterface', 'ecs:CreateNetworkInterface'],
    ['RunCommand', 'ecs:RunCommand'],
    ['CreateForwardEntry', 'vpc:CreateForwardEntry'],
    ['DescribeSnatTableEntries', 'vpc:DescribeSnatTableEntries'],
    ['ecs:DescribeInstances', 'ecs:DescribeInstances'],
  ])('guesses the RAM action of %s when the API did not say', (action, ram) => {
    expect(ramActionFor(action)).toBe(ram);
    expect(refusalFromPermissionError(action).message).toContain(`may not call ${ram}`);
  });
});

describe('buildPlan: Windows guests', () => {
  it('verify on RDP (3389), are marked windows, and take --configure-guest', () => {
    const win = (i: Input) => { i.instance.osType = 'windows'; i.options.configureGuest = false; };
    const plan = planOf(buildPlan(makeInput(win), ctx));
    expect(plan).toMatchObject({ sshPort: 3389, guestOs: 'windows' });
    // Windows routes replies itself (strong host model): no policy-routing warning, but the egress NIC is its choice.
    expect(warningText(plan.warnings)).not.toMatch(/policy routing/);
    expect(warningText(plan.warnings)).toMatch(/keeps its automatic interface metric/);
    expect(planOf(buildPlan(makeInput(), ctx))).toMatchObject({ sshPort: 22 });
    expect(planOf(buildPlan(makeInput(), ctx)).guestOs).toBeUndefined();
    expect(plan.hash).not.toBe(planOf(buildPlan(makeInput(), ctx)).hash);
    expect(planOf(buildPlan(makeInput(win, (i) => { i.options.configureGuest = true; }), ctx))).toMatchObject({ guestOs: 'windows', options: { configureGuest: true } });
    const ports = planOf(buildPlan(makeInput(win, (i) => { i.options.ports = { kind: 'list', ports: [22] }; }), ctx));
    expect(ports.skipSshVerify).toBe(true);
    expect(warningText(ports.warnings)).toMatch(/does not include 3389, so the RDP check/);
  });
});
