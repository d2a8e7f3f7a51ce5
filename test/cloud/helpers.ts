import { startSandbox, type Sandbox, type ScenarioInput } from '../../src/sandbox/index.ts';
import { createAlibabaCloud, type AlibabaCloud, type AlibabaCloudOptions } from '../../src/cloud/alibaba/index.ts';
import type { CloudCall } from '../../src/cloud/cloud-port.ts';

export const IDS = {
  vpc: 'vpc-t1', vswH: 'vsw-th', vswI: 'vsw-ti', sg: 'sg-t1', i1: 'i-t1', i2: 'i-t2', iStopped: 'i-t3',
  eipMap: 'eip-map', eipSnat: 'eip-snat', eipSpare: 'eip-spare', ngw: 'ngw-t1', ftb: 'ftb-t1', stb: 'stb-t1', fwdMap: 'fwd-map',
} as const;

/** A small world with short latencies: everything async settles in ~100 ms. */
export function testScenario(over: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    regionId: 'cn-hangzhou',
    credentials: { accessKeyId: 'LTAI-test-key', accessKeySecret: 'test-secret-value' },
    latencyMs: { eniAttach: 120, eniDetach: 100, eniDelete: 60, dnatCreate: 120, dnatDelete: 100, runCommand: 80 },
    vpcs: [{ vpcId: IDS.vpc, cidr: '192.168.0.0/16' }],
    vSwitches: [
      { vSwitchId: IDS.vswH, vpcId: IDS.vpc, zoneId: 'cn-hangzhou-h', cidr: '192.168.1.0/24' },
      { vSwitchId: IDS.vswI, vpcId: IDS.vpc, zoneId: 'cn-hangzhou-i', cidr: '192.168.2.0/24' },
    ],
    securityGroups: [{
      securityGroupId: IDS.sg, vpcId: IDS.vpc,
      ingress: [{ ipProtocol: 'tcp', portRange: '22/22', sourceCidrIp: '0.0.0.0/0', priority: 5 }],
      egress: [{ ipProtocol: 'all', portRange: '-1/-1', sourceCidrIp: '0.0.0.0/0' }],
    }],
    instances: [
      { instanceId: IDS.i1, name: 'web-1', vSwitchId: IDS.vswH, privateIp: '192.168.1.10', securityGroupIds: [IDS.sg], instanceType: 'ecs.g7.large', eniQuota: 2 },
      { instanceId: IDS.i2, name: 'web-2', vSwitchId: IDS.vswH, privateIp: '192.168.1.20', securityGroupIds: [IDS.sg], instanceType: 'ecs.g7.large', eniQuota: 3 },
      { instanceId: IDS.iStopped, name: 'web-3', vSwitchId: IDS.vswI, privateIp: '192.168.2.30', securityGroupIds: [IDS.sg], status: 'Stopping' },
    ],
    eips: [
      { allocationId: IDS.eipMap, ipAddress: '203.0.113.10' },
      { allocationId: IDS.eipSnat, ipAddress: '203.0.113.20' },
      { allocationId: IDS.eipSpare, ipAddress: '198.51.100.7' },
    ],
    natGateways: [{
      natGatewayId: IDS.ngw, vpcId: IDS.vpc, vSwitchId: IDS.vswH, forwardTableId: IDS.ftb, snatTableId: IDS.stb,
      eips: [IDS.eipMap, IDS.eipSnat, IDS.eipSpare], name: 'nat-t1',
    }],
    snatEntries: [{ snatTableId: IDS.stb, snatEntryId: 'snat-t1', sourceVSwitchId: IDS.vswH, snatIp: '203.0.113.20' }],
    dnatEntries: [{
      forwardTableId: IDS.ftb, forwardEntryId: IDS.fwdMap, externalIp: '203.0.113.10', externalPort: 'Any',
      internalIp: '192.168.1.10', internalPort: 'Any', ipProtocol: 'Any', name: 'map-1',
    }],
    ...over,
  };
}

/** Options that point the real SDK at the sandbox, with fast retries and fast polls. */
export function cloudOptions(sb: Sandbox, over: Partial<AlibabaCloudOptions> = {}): AlibabaCloudOptions {
  return {
    regionId: sb.regionId,
    ecsEndpoint: sb.endpoint,
    vpcEndpoint: sb.endpoint,
    protocol: 'http',
    credentials: sb.credentials,
    timeouts: { connectMs: 2_000, readMs: 2_000 },
    retry: { baseDelayMs: 10, maxDelayMs: 100, busyBaseDelayMs: 40 },
    // A stale read is taken at its word after 150 ms here (10 s in production).
    waiter: { initialMs: 20, maxMs: 80, defaultTimeoutMs: 5_000, staleGraceMs: 150 },
    ...over,
  };
}

export interface Harness {
  sb: Sandbox;
  cloud: AlibabaCloud;
  calls: CloudCall[];
  /** Requests the sandbox saw for `action` since the last `mark()`. */
  seen(action: string): Sandbox['requests'];
  mark(): void;
}

export async function harness(scenario: ScenarioInput = testScenario(), over: Partial<AlibabaCloudOptions> = {}): Promise<Harness> {
  const sb = await startSandbox({ scenario, port: 0 });
  const calls: CloudCall[] = [];
  const cloud = createAlibabaCloud(cloudOptions(sb, { observers: [(c) => calls.push(c)], ...over }));
  let from = 0;
  return {
    sb, cloud, calls,
    seen: (action) => sb.requests.slice(from).filter((r) => r.action === action),
    mark: () => { from = sb.requests.length; calls.length = 0; },
  };
}
