// Real, unmodified SDK clients pointed at a sandbox the way docs/sandbox.md describes (endpoint host:port, http, both timeouts).
import EcsModule, * as $Ecs from '@alicloud/ecs20140526';
import VpcModule, * as $Vpc from '@alicloud/vpc20160428';
import { $OpenApiUtil } from '@alicloud/openapi-core';

// The SDKs are CommonJS with `exports.default = Client`; under Node's ESM loader the default import is the whole
// module object, so unwrap `.default` when it is there (TypeScript types it as the class either way).
type Ecs = InstanceType<typeof EcsModule.default>;
type Vpc = InstanceType<typeof VpcModule.default>;
const Ecs: typeof EcsModule.default = (EcsModule as { default?: typeof EcsModule.default }).default ?? (EcsModule as unknown as typeof EcsModule.default);
const Vpc: typeof VpcModule.default = (VpcModule as { default?: typeof VpcModule.default }).default ?? (VpcModule as unknown as typeof VpcModule.default);
import { startSandbox, type Sandbox, type ScenarioInput } from '../../src/sandbox/index.ts';

export { $Ecs, $Vpc };

export interface Clients { ecs: Ecs; vpc: Vpc }

export function clientsFor(
  sb: { endpoint: string; regionId: string; credentials: { accessKeyId: string; accessKeySecret: string } },
  over: Partial<{ accessKeyId: string; accessKeySecret: string; readTimeout: number; signatureAlgorithm: string }> = {},
): Clients {
  const cfg = () => new $OpenApiUtil.Config({
    accessKeyId: over.accessKeyId ?? sb.credentials.accessKeyId,
    accessKeySecret: over.accessKeySecret ?? sb.credentials.accessKeySecret,
    regionId: sb.regionId,
    endpoint: sb.endpoint,
    protocol: 'http',
    readTimeout: over.readTimeout ?? 5000,
    connectTimeout: over.readTimeout ?? 5000,
    ...(over.signatureAlgorithm ? { signatureAlgorithm: over.signatureAlgorithm } : {}),
  });
  return { ecs: new Ecs(cfg()), vpc: new Vpc(cfg()) };
}

/** Thrown SDK error, or a failure if the promise resolved. */
export async function sdkError(p: Promise<unknown>): Promise<{ name: string; code: string; statusCode: number; message: string; requestId?: string; retryAfter?: number; accessDeniedDetail?: Record<string, unknown>; data?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected the SDK call to fail, but it succeeded');
}

/** Test latencies: small enough for a fast suite, big enough to see every transitional state. */
export const FAST = { apiMs: 0, eniAttach: 100, eniDetach: 100, eniDelete: 80, dnatCreate: 100, dnatDelete: 100, runCommand: 80, edge: 0 };

/** A minimal world: one VPC/NAT, instance i-1 behind a DNAT IP mapping, i-2 egressing via SNAT. */
export function smallScenario(over: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    regionId: 'cn-hangzhou',
    credentials: { accessKeyId: 'LTAI-sandbox', accessKeySecret: 'sandbox-secret' },
    latencyMs: FAST,
    vpcs: [{ vpcId: 'vpc-1', cidr: '192.168.0.0/16' }, { vpcId: 'vpc-2', cidr: '10.0.0.0/16' }],
    vSwitches: [
      { vSwitchId: 'vsw-1', vpcId: 'vpc-1', zoneId: 'cn-hangzhou-h', cidr: '192.168.1.0/24' },
      { vSwitchId: 'vsw-2', vpcId: 'vpc-1', zoneId: 'cn-hangzhou-i', cidr: '192.168.2.0/24' },
      { vSwitchId: 'vsw-other', vpcId: 'vpc-2', zoneId: 'cn-hangzhou-h', cidr: '10.0.1.0/24' },
    ],
    securityGroups: [
      { securityGroupId: 'sg-1', vpcId: 'vpc-1', ingress: [{ ipProtocol: 'tcp', portRange: '22/22', sourceCidrIp: '0.0.0.0/0' }] },
      { securityGroupId: 'sg-closed', vpcId: 'vpc-1', ingress: [{ ipProtocol: 'tcp', portRange: '443/443', sourceCidrIp: '0.0.0.0/0' }] },
      { securityGroupId: 'sg-other', vpcId: 'vpc-2' },
    ],
    instances: [
      { instanceId: 'i-1', vSwitchId: 'vsw-1', privateIp: '192.168.1.10', securityGroupIds: ['sg-1'], instanceType: 'ecs.g7.large', eniQuota: 3,
        guest: { sshBanner: 'SSH-2.0-OpenSSH_8.0', configuresSecondaryNic: true } },
      { instanceId: 'i-2', vSwitchId: 'vsw-1', privateIp: '192.168.1.11', securityGroupIds: ['sg-1'], eniQuota: 2,
        guest: { sshBanner: 'SSH-2.0-OpenSSH_7.4', configuresSecondaryNic: false } },
      { instanceId: 'i-3', vSwitchId: 'vsw-1', privateIp: '192.168.1.12', securityGroupIds: ['sg-1'], status: 'Stopped' },
      { instanceId: 'i-4', vSwitchId: 'vsw-2', privateIp: '192.168.2.13', securityGroupIds: ['sg-1'] },
    ],
    eips: [
      { allocationId: 'eip-1', ipAddress: '203.0.113.10' },
      { allocationId: 'eip-2', ipAddress: '203.0.113.20' },
      { allocationId: 'eip-3', ipAddress: '203.0.113.30' },
      { allocationId: 'eip-4', ipAddress: '198.51.100.40' },
      { allocationId: 'eip-loose', ipAddress: '198.51.100.99' },
    ],
    natGateways: [{ natGatewayId: 'ngw-1', vpcId: 'vpc-1', vSwitchId: 'vsw-1', forwardTableId: 'ftb-1', snatTableId: 'stb-1', eips: ['eip-1', 'eip-2', 'eip-3', 'eip-4'] }],
    snatEntries: [{ snatTableId: 'stb-1', snatEntryId: 'snat-1', sourceVSwitchId: 'vsw-1', snatIp: '203.0.113.20' }],
    dnatEntries: [{ forwardTableId: 'ftb-1', forwardEntryId: 'fwd-1', externalIp: '203.0.113.10', externalPort: 'Any', internalIp: '192.168.1.10', internalPort: 'Any', ipProtocol: 'Any' }],
    // These tests check one raw SDK call's answer at a time (no retries, no waiters): they relax the stale reads and
    // the random transient codes by name. test/sandbox/realism.test.ts covers both.
    realism: { off: ['staleReads', 'transientCodes'] },
    ...over,
  };
}

/** Starts a sandbox with real SDK clients; call `close()` in afterAll/afterEach. */
export async function startWithClients(scenario: ScenarioInput | string = smallScenario()): Promise<Sandbox & Clients> {
  const sb = await startSandbox({ scenario });
  return Object.assign(sb, clientsFor(sb));
}
