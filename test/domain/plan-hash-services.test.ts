// The guest's services are part of what an approval binds to (issue 17): a service that appears, disappears, moves
// its binding or loses its firewall rule between the plan and the approval changes the plan hash, so the gate's
// recheck asks again; what the guest cannot change by itself (a pid, the error text of a failed read) does not.
import { describe, expect, it } from 'vitest';
import type { Plan, PlanInput, PlanResult } from '../../src/domain/plan-types.ts';
import { buildPlan } from '../../src/domain/plan.ts';
import { planDifferences, planHash } from '../../src/domain/plan-hash.ts';
import { ctx, makeInput } from './fixtures.ts';

const IP = '### ip\n2: eth0    inet 192.168.0.10/24 brd 192.168.0.255 scope global eth0\n';
const SS = (...lines: string[]) => `### ss\n${lines.join('\n')}\n`;
const SSH = 'tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=800,fd=3))';
const WEB = 'tcp LISTEN 0 511 0.0.0.0:443 0.0.0.0:* users:(("nginx",pid=1200,fd=6))';
const FW = (rule443: string) => `### iptables-save\n*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n${rule443}\nCOMMIT\n`;
const OPEN_443 = '-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT';
const ETH0_443 = '-A INPUT -i eth0 -p tcp -m tcp --dport 443 -j ACCEPT';

function planWith(output: string | { error: string }, mut: (i: PlanInput) => void = () => {}): Plan {
  const r: PlanResult = buildPlan(makeInput((i) => {
    i.guest = typeof output === 'string' ? { output } : output;
    mut(i);
  }), ctx);
  if (!r.ok) throw new Error(`expected a plan, got ${r.refusal.code}: ${r.refusal.message}`);
  return r.plan;
}

const base = SS(SSH, WEB) + FW(OPEN_443) + IP;

describe('plan hash: the guest services', () => {
  const basePlan = planWith(base);

  it('covers the services: the hash is over the plan with them, and a plan without them differs', () => {
    expect(basePlan.services?.checked).toBe(true);
    expect(planHash(basePlan)).toBe(basePlan.hash);
    expect(planWith(base).hash).toBe(basePlan.hash);
    const none = buildPlan(makeInput(), ctx);
    expect(none.ok && none.plan.hash).not.toBe(basePlan.hash);
  });

  const changes: Array<[string, string | { error: string }, (i: PlanInput) => void, RegExp]> = [
    ['a new listening port', SS(SSH, WEB, 'tcp LISTEN 0 128 0.0.0.0:8080 0.0.0.0:*') + FW(OPEN_443) + IP, () => {}, /TCP 8080 on 0\.0\.0\.0: closed_before/],
    ['a service that stopped', SS(SSH) + FW(OPEN_443) + IP, () => {}, /TCP 443/],
    ['a service rebound to the primary address (now at risk, accepted)', SS(SSH, WEB.replace('0.0.0.0:443', '192.168.0.10:443')) + FW(OPEN_443) + IP,
      (i) => { i.options.acceptPorts = [443]; }, /TCP 443 on 192\.168\.0\.10 \(nginx\): accepted/],
    ['a firewall rule narrowed to eth0 (accepted)', SS(SSH, WEB) + FW(ETH0_443) + IP,
      (i) => { i.options.configureGuest = false; i.options.acceptPorts = [443]; }, /TCP 443 on 0\.0\.0\.0 \(nginx\): accepted; host firewall accepts it by "-A INPUT -i eth0/],
    ['another process on the port', SS(SSH, WEB.replace('"nginx"', '"caddy"')) + FW(OPEN_443) + IP, () => {}, /caddy/],
    ['a UDP listener', SS(SSH, WEB, 'udp UNCONN 0 0 0.0.0.0:51820 0.0.0.0:*') + FW(OPEN_443) + IP, () => {}, /0\.0\.0\.0:51820/],
    ['the guest no longer readable', { error: 'Cloud Assistant invocation t-1 ended Timeout' }, () => {}, /checked: true → false/],
  ];
  it.each(changes)('changes with %s, and planDifferences names it', (_name, output, mut, shown) => {
    const changed = planWith(output, mut);
    expect(changed.hash).not.toBe(basePlan.hash);
    const d = planDifferences(basePlan, changed);
    expect(d.some((l) => l.startsWith('guest services'))).toBe(true);
    expect(d.join('\n')).toMatch(shown);
  });

  const same: Array<[string, string]> = [
    ['other pids and fds', SS(SSH.replace('pid=800', 'pid=9001'), WEB.replace('pid=1200,fd=6', 'pid=4242,fd=9')) + FW(OPEN_443) + IP],
    ['the order ss lists sockets in', SS(WEB, SSH) + FW(OPEN_443) + IP],
    ['a loopback-only listener', SS(SSH, WEB, 'tcp LISTEN 0 4096 127.0.0.1:6379 0.0.0.0:*') + FW(OPEN_443) + IP],
  ];
  it.each(same)('does not change with %s', (_name, output) => {
    const p = planWith(output);
    expect(p.hash).toBe(basePlan.hash);
    expect(planDifferences(basePlan, p)).toEqual([]);
  });

  // What the job itself did to the guest before the approval: staged its ENI (the guest brought it up as eth1) and,
  // with --configure-guest, mirrored the eth0 rule for it. The gate finds both and must not ask again for them.
  const STAGED = { networkInterfaceId: 'eni-staged', status: 'InUse', type: 'Secondary', instanceId: 'i-bp1aaaaaaaaaaaaaaaaa', vpcId: 'vpc-bp1vpc000000000000',
    vSwitchId: 'vsw-bp1vsw000000000000', zoneId: 'cn-hangzhou-h', privateIp: '192.168.0.99', securityGroupIds: [], tags: { 'natmigrate:job': ctx.jobId } };
  const IP2 = `${IP}3: eth1    inet 192.168.0.99/24 brd 192.168.0.255 scope global eth1\n`;
  it('does not change with the job\'s own staged NIC up in the guest and its firewall mirror in place', () => {
    const planned = planWith(SS(SSH, WEB) + FW(ETH0_443) + IP);
    expect(planned.services).toMatchObject({ newDevice: 'eth1', tcp: [{ port: 22 }, { port: 443, status: 'fixed' }] });
    const mirrored = FW(`-A INPUT -i eth1 -p tcp -m tcp --dport 443 -j ACCEPT\n${ETH0_443}`);
    const atGate = planWith(SS(SSH, WEB) + mirrored + IP2, (i) => { i.instanceEnis.push(STAGED); });
    expect(atGate.services).toMatchObject({ newDevice: 'eth1', tcp: [{ port: 22 }, { port: 443, status: 'ok' }] });
    expect(planDifferences(planned, atGate)).toEqual([]);
    expect(atGate.hash).toBe(planned.hash);
  });

  it('another job\'s NIC in the guest is one more NIC, not the new one', () => {
    const p = planWith(SS(SSH, WEB) + FW(OPEN_443) + IP2, (i) => { i.instanceEnis.push({ ...STAGED, tags: {} }); });
    expect(p.services).toMatchObject({ newDevice: 'eth2' });
  });

  it('a guest that could not be read hashes the same whatever the error says', () => {
    const a = planWith({ error: 'Cloud Assistant invocation t-1 ended Timeout' });
    const b = planWith({ error: 'RunCommand: ServiceUnavailable' });
    expect(a.services?.checked).toBe(false);
    expect(b.hash).toBe(a.hash);
  });
});
