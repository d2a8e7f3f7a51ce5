// `natmigrate sim` as a child process: first stdout line is the JSON handshake; the SDK works against it.
import { describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { probeEdge } from '../../src/sandbox/index.ts';
import { $Ecs, $Vpc, clientsFor } from './sdk-clients.ts';

const run = promisify(execFile);

describe('natmigrate sim', () => {
  it('prints one JSON line with endpoints, credentials, edge and env; serves the SDK; stops cleanly on SIGTERM', async () => {
    const child = spawn('node', ['bin/natmigrate.js', 'sim', '--scenario', 'scenarios/issue-2-example.json', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: child.stdout });
        rl.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`sim exited early (${code}): ${stderr}`)));
      });
      const info = JSON.parse(first) as {
        endpoint: string; ecsEndpoint: string; vpcEndpoint: string; protocol: string; regionId: string;
        credentials: { accessKeyId: string; accessKeySecret: string }; edge: { host: string; port: number }; env: Record<string, string>;
      };
      expect(info).toMatchObject({ protocol: 'http', regionId: 'cn-hangzhou', credentials: { accessKeyId: 'LTAI-sandbox', accessKeySecret: 'sandbox-secret' } });
      expect(info.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(info.ecsEndpoint).toBe(info.endpoint);
      expect(info.env).toEqual({
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-sandbox', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sandbox-secret', NATMIGRATE_REGION: 'cn-hangzhou',
        NATMIGRATE_ECS_ENDPOINT: info.ecsEndpoint, NATMIGRATE_VPC_ENDPOINT: info.vpcEndpoint, NATMIGRATE_CLOUD_PROTOCOL: 'http',
        NATMIGRATE_PUBLIC_EDGE: `127.0.0.1:${info.edge.port}`,
      });
      const { ecs, vpc } = clientsFor({ endpoint: info.endpoint, regionId: info.regionId, credentials: info.credentials });
      const inst = await ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: info.regionId }));
      expect(inst.body!.instances!.instance!.map((i) => i.instanceId)).toEqual(['i-1']);
      const nat = await vpc.describeNatGateways(new $Vpc.DescribeNatGatewaysRequest({ regionId: info.regionId }));
      expect(nat.body!.natGateways!.natGateway![0]!.natGatewayId).toBe('ngw-1');
      expect(await probeEdge(info.edge, '203.0.113.10', 22)).toBe('SSH-2.0-OpenSSH_8.0');
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('refuses a bad scenario with a clear message, exit code 2 and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natmigrate-sim-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ vpcs: [{ vpcId: 'vpc-1', cidr: 'not-a-cidr' }], instances: [{ instanceId: 'i-1' }] }));
    const err = await run('node', ['bin/natmigrate.js', 'sim', '--scenario', file, '--port', '0']).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(err).toBeDefined();
    expect(err!.code).toBe(2);
    expect(err!.stderr).toContain(`natmigrate sim: invalid scenario file ${file}:`);
    expect(err!.stderr).toContain('vpcs[0].cidr: expected a CIDR block like 192.168.0.0/16');
    expect(err!.stderr).toContain('instances[0].vSwitchId');
    expect(err!.stderr).not.toMatch(/\n\s+at /);
  });
});
