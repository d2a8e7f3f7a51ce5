import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { MigrationEvent } from '../../src/domain/events.ts';
import type { Plan } from '../../src/domain/plan-types.ts';
import { deleteKeys } from '../../src/util/private-redis.ts';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from '../../src/slack-sim/index.ts';
import type { Outbox } from '../../src/slack/outbox.ts';

/** Shared test helpers: a plan as the engine produces it, event builders, a Redis with a private prefix. */

export function samplePlan(over: Partial<Plan> = {}): Plan {
  return {
    regionId: 'cn-hangzhou',
    instanceId: 'i-bp1aaaaaaaaaaaaaaaaa',
    instanceName: 'web-1',
    vpcId: 'vpc-bp1vvvvvvvvvvvvvvvvv',
    vSwitchId: 'vsw-bp1sssssssssssssssss',
    zoneId: 'cn-hangzhou-h',
    primaryIp: '10.0.1.10',
    natGatewayId: 'ngw-bp1nnnnnnnnnnnnnnnnn',
    entryToDelete: {
      forwardEntryId: 'fwd-bp1ddddddddddddddddd', forwardTableId: 'ftb-bp1ttttttttttttttttt', natGatewayId: 'ngw-bp1nnnnnnnnnnnnnnnnn',
      externalIp: '47.96.1.10', externalPort: 'Any', internalIp: '10.0.1.10', internalPort: 'Any', ipProtocol: 'Any',
      forwardEntryName: 'web-1-map', status: 'Available',
    },
    restoreRecipe: {
      forwardTableId: 'ftb-bp1ttttttttttttttttt', externalIp: '47.96.1.10', externalPort: 'Any', internalIp: '10.0.1.10',
      internalPort: 'Any', ipProtocol: 'Any', forwardEntryName: 'web-1-map',
    },
    eni: {
      vSwitchId: 'vsw-bp1sssssssssssssssss', zoneId: 'cn-hangzhou-h', vpcId: 'vpc-bp1vvvvvvvvvvvvvvvvv',
      securityGroupIds: ['sg-bp1ggggggggggggggggg'], name: 'natmigrate-web-1', description: 'natmigrate', tags: { natmigrate: 'job' },
    },
    newEntries: [{ forwardTableId: 'ftb-bp1ttttttttttttttttt', externalIp: '47.96.1.10', externalPort: 'Any', internalPort: 'Any', ipProtocol: 'Any', forwardEntryName: 'natmigrate-web-1' }],
    cutover: 'modify',
    expectedEgressIps: ['47.96.9.9'],
    snatEntryIds: ['snat-bp1xxxxxxxxxxxxxxxxx'],
    sshPort: 22,
    options: { ports: { kind: 'all' }, configureGuest: false },
    warnings: [],
    hash: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
    ...over,
  };
}

let clock = Date.parse('2026-01-05T10:00:00Z');
export function at(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

type Body<T> = T extends unknown ? Omit<T, 'jobId' | 'at'> : never;
export function ev(jobId: string, body: Body<MigrationEvent>): MigrationEvent {
  return { jobId, at: at(), ...body } as MigrationEvent;
}

export interface TestRedis {
  redis: Redis;
  prefix: string;
  cleanup(): Promise<void>;
}

/** A Redis connection and a key prefix nobody else uses; cleanup deletes every key under it. */
export async function testRedis(name: string): Promise<TestRedis> {
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null, lazyConnect: false });
  const prefix = `{nmtest-${name}-${randomBytes(4).toString('hex')}}`;
  return {
    redis,
    prefix,
    async cleanup() {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    },
  };
}

/** The events of one whole migration, from queued to migrated, as the engine emits them. */
export function migrationEvents(jobId: string): MigrationEvent[] {
  const plan = samplePlan();
  return [
    ev(jobId, { type: 'job.queued', kind: 'migrate', instanceId: plan.instanceId, regionId: plan.regionId, requestedBy: { kind: 'user', userId: 'U0ALICE' } }),
    ev(jobId, { type: 'step.started', step: 'plan', title: 'Pre-flight plan (read-only)' }),
    ev(jobId, { type: 'step.finished', step: 'plan', title: 'Pre-flight plan (read-only)', calls: [{ action: 'DescribeInstances', requestId: 'REQ-1', code: 'OK' }] }),
    ev(jobId, { type: 'planned', plan }),
    ev(jobId, { type: 'step.finished', step: 'create_eni', title: 'Create the secondary ENI', calls: [{ action: 'CreateNetworkInterface', requestId: 'REQ-2', code: 'OK' }], detail: { eniId: 'eni-bp1eeeeeeeeeeeeeeeee' } }),
    ev(jobId, { type: 'approval.requested', kind: 'migrate', plan, planHash: plan.hash, expiresAt: '2026-01-05T10:30:00Z', requiredApprovals: 1, requestedBy: { kind: 'user', userId: 'U0ALICE' } }),
    ev(jobId, { type: 'approval.decided', decision: 'approved', by: [{ kind: 'user', userId: 'U0BOB' }] }),
    ev(jobId, { type: 'original.saved', entry: plan.entryToDelete, restoreRecipe: plan.restoreRecipe }),
    ev(jobId, { type: 'step.finished', step: 'delete_entry', title: 'Delete the DNAT IP mapping', calls: [{ action: 'DeleteForwardEntry', requestId: 'REQ-3', code: 'OK' }] }),
    ev(jobId, {
      type: 'verified', ok: true,
      ssh: { ok: true, host: '47.96.1.10', port: 22, banner: 'SSH-2.0-OpenSSH_8.9', attempts: 1 },
      egress: { ok: true, observedIp: '47.96.9.9', expectedIps: ['47.96.9.9'], rawOutput: '47.96.9.9', invokeId: 't-1' },
    }),
    ev(jobId, { type: 'finished', outcome: 'migrated', summary: 'i-bp1aaaaaaaaaaaaaaaaa now egresses from 47.96.9.9' }),
  ];
}

/**
 * The hooks of an outbox test file: a fake workspace and a Redis prefix for the file (handed to `ready`), the
 * outboxes a test made stopped after it and the injected faults cleared.
 */
export function outboxSuite(name: string, slackOptions: FakeSlackOptions, outboxes: Outbox[], ready: (slack: FakeSlack, r: TestRedis) => void): void {
  let slack: FakeSlack;
  let r: TestRedis;
  beforeAll(async () => {
    slack = await startFakeSlack(slackOptions);
    r = await testRedis(name);
    ready(slack, r);
  });
  afterEach(async () => {
    for (const o of outboxes.splice(0)) await o.stop();
    slack.clearFaults();
  });
  afterAll(async () => {
    await r.cleanup();
    await slack.close();
  });
}
