// Scenario loading: the issue's example as written, YAML, clear validation messages, the built-in default, fleets.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultScenario, edgeCheck, egressIp, fleetIds, loadScenario, makeFleetScenario, probeEdge, ScenarioError, startSandbox } from '../../src/sandbox/index.ts';
import { $Ecs, $Vpc, clientsFor, sdkError, smallScenario } from './sdk-clients.ts';
import type { Sandbox } from '../../src/sandbox/index.ts';

// The example scenario of issue 2, word for word; scenarios/issue-2-example.json must stay equal to it.
const ISSUE_EXAMPLE = `{ "regionId": "cn-hangzhou",
  "credentials": { "accessKeyId": "LTAI-sandbox", "accessKeySecret": "sandbox-secret" },
  "latencyMs": { "eniAttach": 3000, "eniDetach": 2000, "dnatCreate": 2000, "dnatDelete": 2000, "runCommand": 1500 },
  "qps": { "default": 50, "CreateForwardEntry": 10 },
  "vpcs": [ { "vpcId": "vpc-1", "cidr": "192.168.0.0/16" } ],
  "vSwitches": [ { "vSwitchId": "vsw-1", "vpcId": "vpc-1", "zoneId": "cn-hangzhou-h", "cidr": "192.168.1.0/24" } ],
  "securityGroups": [ { "securityGroupId": "sg-1", "vpcId": "vpc-1",
      "ingress": [ { "ipProtocol": "tcp", "portRange": "22/22", "sourceCidrIp": "0.0.0.0/0" } ] } ],
  "instances": [ { "instanceId": "i-1", "vSwitchId": "vsw-1", "privateIp": "192.168.1.10", "securityGroupIds": ["sg-1"],
      "status": "Running", "instanceType": "ecs.g7.large", "eniQuota": 3,
      "guest": { "sshBanner": "SSH-2.0-OpenSSH_8.0", "configuresSecondaryNic": true, "cloudAssistant": true } } ],
  "eips": [ { "allocationId": "eip-1", "ipAddress": "203.0.113.10" }, { "allocationId": "eip-2", "ipAddress": "203.0.113.20" } ],
  "natGateways": [ { "natGatewayId": "ngw-1", "vpcId": "vpc-1", "vSwitchId": "vsw-1",
      "forwardTableId": "ftb-1", "snatTableId": "stb-1", "eips": ["eip-1", "eip-2"] } ],
  "snatEntries": [ { "snatTableId": "stb-1", "sourceVSwitchId": "vsw-1", "snatIp": "203.0.113.20" } ],
  "dnatEntries": [ { "forwardTableId": "ftb-1", "externalIp": "203.0.113.10", "externalPort": "Any",
      "internalIp": "192.168.1.10", "internalPort": "Any", "ipProtocol": "Any" } ],
  "faults": [ { "action": "CreateForwardEntry", "code": "OperationConflict", "httpStatus": 400, "times": 1 } ] }`;

let sb: Sandbox | undefined;
afterEach(async () => { await sb?.close(); sb = undefined; });

function problems(input: unknown): string[] {
  try { loadScenario(input); } catch (e) { if (e instanceof ScenarioError) return e.problems; throw e; }
  return [];
}

describe('scenario files', () => {
  it('loads the issue\'s example exactly as written, and serves it', async () => {
    const s = loadScenario(ISSUE_EXAMPLE);
    expect(s.latencyMs).toMatchObject({ eniAttach: 3000, eniDetach: 2000, dnatCreate: 2000, dnatDelete: 2000, runCommand: 1500, apiMs: 0 });
    expect(s.instances[0]!.guest).toEqual({ sshBanner: 'SSH-2.0-OpenSSH_8.0', sshPort: 22, configuresSecondaryNic: true, cloudAssistant: true });
    expect(JSON.parse(readFileSync('scenarios/issue-2-example.json', 'utf8'))).toEqual(JSON.parse(ISSUE_EXAMPLE));
    sb = await startSandbox({ scenario: 'scenarios/issue-2-example.json' });
    const { vpc } = clientsFor(sb);
    const e = await sdkError(vpc.createForwardEntry(new $Vpc.CreateForwardEntryRequest({ regionId: 'cn-hangzhou', forwardTableId: 'ftb-1', externalIp: '203.0.113.10', externalPort: '22', internalIp: '192.168.1.10', internalPort: '22', ipProtocol: 'TCP' })));
    expect(e.code).toBe('OperationConflict'); // the scenario's scripted fault
    expect(egressIp(sb.world, 'i-1')).toBe('203.0.113.10');
    expect(await probeEdge(sb.edge, '203.0.113.10', 22)).toBe('SSH-2.0-OpenSSH_8.0');
  });

  it('loads YAML files too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'natmigrate-scn-'));
    const file = join(dir, 'world.yaml');
    writeFileSync(file, [
      'regionId: cn-shanghai',
      'vpcs: [{ vpcId: vpc-y, cidr: 10.1.0.0/16 }]',
      'vSwitches:',
      '  - { vSwitchId: vsw-y, vpcId: vpc-y, zoneId: cn-shanghai-b, cidr: 10.1.1.0/24 }',
      'securityGroups: [{ securityGroupId: sg-y, vpcId: vpc-y }]',
      'instances:',
      '  - { instanceId: i-y, vSwitchId: vsw-y, privateIp: 10.1.1.5, securityGroupIds: [sg-y] }',
    ].join('\n'));
    const s = loadScenario(file);
    expect(s.regionId).toBe('cn-shanghai');
    expect(s.instances[0]).toMatchObject({ instanceId: 'i-y', status: 'Running', instanceType: 'ecs.g7.large' });
    expect(s.credentials).toEqual({ accessKeyId: 'LTAI-sandbox', accessKeySecret: 'sandbox-secret' });
  });

  it('explains every problem with a path, in one error', () => {
    const base = smallScenario();
    const p = problems({
      ...base,
      instancez: [],
      instances: [{ ...base.instances![0]!, privateIp: '192.168.9.9', securityGroupIds: ['sg-missing'] }, { ...base.instances![1]!, privateIp: 'nope' }],
      dnatEntries: [{ ...base.dnatEntries![0]!, externalIp: '198.51.100.99' }, { forwardTableId: 'ftb-1', externalIp: '203.0.113.20', externalPort: 'Any', internalIp: '192.168.1.11', internalPort: 'Any', ipProtocol: 'Any' }],
    });
    expect(p).toEqual(expect.arrayContaining([
      '(top level): Unrecognized key: "instancez"',
      'instances[1].privateIp: expected an IPv4 address like 192.168.1.10',
    ]));
    const p2 = problems({
      ...base,
      instances: [{ ...base.instances![0]!, privateIp: '192.168.9.9', securityGroupIds: ['sg-missing'] }],
      dnatEntries: [{ ...base.dnatEntries![0]!, externalIp: '198.51.100.99' }, { forwardTableId: 'ftb-1', externalIp: '203.0.113.20', externalPort: 'Any', internalIp: '192.168.1.11', internalPort: 'Any', ipProtocol: 'Any' }],
    });
    expect(p2).toEqual(expect.arrayContaining([
      'instances[0].privateIp: 192.168.9.9 is not a usable address of vSwitch vsw-1 (192.168.1.0/24)',
      'instances[0].securityGroupIds[0]: security group "sg-missing" is not declared in securityGroups',
      'dnatEntries[0].externalIp: 198.51.100.99 is not an EIP of NAT gateway ngw-1',
      'dnatEntries[1].externalIp: 203.0.113.20 is also used by an SNAT entry',
    ]));
    expect(problems('/no/such/file.json')).toEqual(['cannot read the file: ENOENT']);
    expect(problems('{ nope')[0]).toMatch(/^not valid JSON/);
    expect(() => loadScenario({ instances: 3 })).toThrow(/invalid scenario:\n {2}- instances: Invalid input: expected array/);
  });

  it('the built-in default scenario is consistent and models the demo cases', async () => {
    expect(defaultScenario.regionId).toBe('cn-hangzhou');
    expect(defaultScenario.credentials).toEqual({ accessKeyId: 'LTAI-sandbox', accessKeySecret: 'sandbox-secret' });
    sb = await startSandbox();
    const w = sb.world;
    expect(egressIp(w, 'i-bp1web01000000000001')).toBe('203.0.113.10'); // mapped, self-configuring guest
    expect(egressIp(w, 'i-bp1web02000000000002')).toBe('203.0.113.11'); // mapped, needs configure-guest
    expect(egressIp(w, 'i-bp1app01000000000003')).toBe('203.0.113.20'); // already on SNAT
    expect(egressIp(w, 'i-bp1legacy0000000004')).toBe('203.0.113.12'); // mapped, but no SNAT covers its vSwitch
    w.dnatEntries.delete('fwd-bp1legacy00000004');
    expect(egressIp(w, 'i-bp1legacy0000000004')).toBeUndefined();
    expect(w.instances.get('i-bp1web02000000000002')!.guest.configuresSecondaryNic).toBe(false);
    expect(edgeCheck(w, '203.0.113.10', 22).ok).toBe(true);
  });

  it('makeFleetScenario builds 250 instances on one NAT gateway, each with its own EIP and IP mapping', async () => {
    const s = makeFleetScenario({ instances: 250, configuresSecondaryNic: 'alternate' });
    const loaded = loadScenario(s);
    expect(loaded.instances).toHaveLength(250);
    expect(new Set(loaded.dnatEntries.map((d) => d.externalIp)).size).toBe(250);
    expect(loaded.natGateways).toHaveLength(1);
    expect(loaded.forwardEntryQuota).toBeGreaterThanOrEqual(500);
    sb = await startSandbox({ scenario: s });
    const { ecs, vpc } = clientsFor(sb);
    let n = 0;
    for (let page = 1; ; page++) {
      const r = await vpc.describeForwardTableEntries(new $Vpc.DescribeForwardTableEntriesRequest({ regionId: 'cn-hangzhou', forwardTableId: fleetIds.forwardTable, pageSize: 50, pageNumber: page }));
      n += r.body!.forwardTableEntries!.forwardTableEntry!.length;
      if (page * 50 >= r.body!.totalCount!) break;
    }
    expect(n).toBe(250);
    const inst = await ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: 'cn-hangzhou', vpcId: fleetIds.vpc, pageSize: 100 }));
    expect(inst.body!.totalCount).toBe(250);
    expect(egressIp(sb.world, fleetIds.instance(249))).toBe(loaded.dnatEntries[249]!.externalIp);
    expect(() => makeFleetScenario({ instances: 1000 })).toThrow(/1 to 760/);
  });
});
