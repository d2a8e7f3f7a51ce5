// Every port that answered before answers after: guests with services, through Slack against the sandbox. One
// topology per instance; each test reads the thread as a person would, and the cloud as it is afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../src/sandbox/index.ts';
import { probeEdgePort } from '../../src/sandbox/index.ts';
import { ipMapping, natWorld, worldInstance } from '../support/nat-world.ts';
import { assertOrder, cloudWrites, dnatFor, FASTER_SLACK, startEnv, type Env } from './e2e-env.ts';
import { messageFaults } from './hostile-strings.ts';

const SNAT_IP = '203.0.113.20';
type Guest = NonNullable<NonNullable<ScenarioInput['instances']>[number]['guest']>;
const HOSTILE_BYTES = '220 <!channel> <@U0EVE> <https://evil.example|click> *bold* ```x``` &amp; \u202Eevil\u0007\r\n';

/** [instanceId, privateIp, EIP, guest] */
const HOSTS: Record<string, [string, string, string, Guest]> = {
  web: ['i-svcweb0001', '192.168.1.20', '203.0.113.60', { services: [{ port: 80, process: 'nginx' }, { port: 443, process: 'nginx' }, { protocol: 'udp', port: 51820, process: 'wireguard' }] }],
  mail: ['i-svcmail001', '192.168.1.21', '203.0.113.61', { services: [{ port: 25, bind: 'primary', process: 'master', firstBytes: '220 mail.example.com ESMTP Postfix\r\n' }] }],
  fw: ['i-svcfw00001', '192.168.1.22', '203.0.113.62', {
    services: [{ port: 443, process: 'nginx' }],
    firewall: { inputPolicy: 'DROP', rules: [{ inInterface: 'lo', target: 'ACCEPT' }, { state: 'RELATED,ESTABLISHED', target: 'ACCEPT' }, { protocol: 'tcp', dport: 22, target: 'ACCEPT' }, { inInterface: 'eth0', protocol: 'tcp', dport: 443, target: 'ACCEPT' }] },
  }],
  hidden: ['i-svchide001', '192.168.1.23', '203.0.113.63', { services: [{ port: 8080, process: 'java' }], hiddenInboundDrop: [8080] }],
  accept: ['i-svcacpt001', '192.168.1.24', '203.0.113.64', { services: [{ port: 8443, bind: 'primary', process: 'java' }, { port: 80, process: 'nginx' }] }],
  evil: ['i-svcevil001', '192.168.1.25', '203.0.113.65', { services: [{ port: 2525, process: '<!here>evil', firstBytes: HOSTILE_BYTES }] }],
  // Windows Server 2022: a line-of-business app on 8080 allowed in the Domain and Private profiles only.
  win: ['i-svcwin0001', '192.168.1.26', '203.0.113.66', {
    image: 'windows2022', sshPort: 3389, sshBanner: 'RDP', configuresSecondaryNic: false,
    services: [{ port: 8080, process: 'app' }],
    windowsFirewall: { primaryCategory: 'Private', rules: [
      { name: 'RemoteDesktop-UserMode-In-TCP', displayName: 'Remote Desktop - User Mode (TCP-In)', localPort: 3389 },
      // The rule's display name is guest text: it is shown, inert.
      { name: 'app-8080', displayName: 'Line-of-business <!here> *app*', profiles: ['Domain', 'Private'], localPort: 8080 },
    ] },
  }],
};

function scenario(): ScenarioInput {
  const hosts = Object.values(HOSTS);
  const w = natWorld({
    latencyMs: { eniAttach: 30, eniDetach: 30, eniDelete: 20, dnatCreate: 30, dnatDelete: 30, runCommand: 20 },
    snatIp: SNAT_IP, eips: hosts.map((h) => h[2]),
    instances: hosts.map(([id, ip, , guest]) => worldInstance(id, ip, { guest: { sshBanner: 'SSH-2.0-OpenSSH_8.9p1', ...guest } })),
    dnatEntries: hosts.map(([, ip, eip]) => ipMapping(eip, ip)),
  });
  w.securityGroups[0]!.ingress = ['22', '25', '80', '443', '2525', '3389', '8080', '8443'].map((p) => ({ ipProtocol: 'tcp', portRange: `${p}/${p}`, sourceCidrIp: '0.0.0.0/0' }));
  return w;
}

let env: Env;
beforeAll(async () => { env = await startEnv('e2e-services', {}, { ...FASTER_SLACK, scenario: scenario() }); });
afterAll(async () => { await env?.close(); });

const finished = (l: string[]) => l.some((x) => x.includes('*Finished*'));

async function run(text: string): Promise<string> {
  const res = await env.slack.slash('U0ALICE', env.channel, `run ${text}`);
  const m = /queued as `([^`]+)`/.exec(String(res.json?.text));
  if (!m) throw new Error(`run was not queued: ${String(res.json?.text)}`);
  return m[1]!;
}

async function approveAndFinish(jobId: string): Promise<string[]> {
  const card = await env.approvalCard(jobId);
  await env.slack.click('U0BOB', env.channel, card.ts, { actionId: 'natmigrate_approve' });
  return env.waitThread(jobId, finished, 'the migration to finish', 45_000);
}

/** Every message of the job's thread, with every edit, as posted: nothing in it may be live. */
async function threadFaults(jobId: string): Promise<string[]> {
  const t = (await env.outbox.thread(jobId))!;
  const msgs = env.slack.thread(t.channel, t.threadTs);
  return msgs.flatMap((m) => [m, ...m.edits].flatMap((x) => messageFaults({ text: x.text, blocks: x.blocks })));
}

describe('guest services through Slack (sandbox + engine + Bolt + outbox)', () => {
  it('nginx on 0.0.0.0:80 and :443 plus SSH: migrated, the table shows all three before and after', async () => {
    const [id, ip, eip] = HOSTS.web!;
    const jobId = await run(id);
    const lines = await approveAndFinish(jobId);
    assertOrder(lines, [
      /Plan for[\s\S]*\*Services\*[\s\S]*TCP 22 `ssh, sshd` on `0.0.0.0`: answers through the ENI[\s\S]*TCP 443 `https, nginx` on `0.0.0.0`: answers through the ENI[\s\S]*UDP `51820 wireguard`: not checked from outside/,
      /Verification passed[\s\S]*Service ports\* through the public IP: 3 of 3 service ports answer/,
      /Finished[\s\S]*Migrated and verified/,
    ]);
    const verified = lines.find((l) => l.includes('Verification passed'))!;
    expect(verified).toMatch(/port +service +before +after/);
    for (const [port, name] of [['22', 'ssh'], ['80', 'http'], ['443', 'https']]) expect(verified).toMatch(new RegExp(`\\n${port} +${name} +yes +yes`));
    expect(verified).toContain(`observed \`${SNAT_IP}\``);
    expect(lines[0]).toContain('3 of 3 service ports answer');
    expect(dnatFor(env.sandbox, eip)[0]!.internalIp).not.toBe(ip);
  });

  it('a service bound to the primary address: plan refused naming the port and the address; nothing staged', async () => {
    const [id, ip, eip] = HOSTS.mail!;
    const before = Date.now();
    const jobId = await run(id);
    const lines = await env.waitThread(jobId, finished, 'the refusal');
    assertOrder(lines, [
      new RegExp(`Pre-flight refused[\\s\\S]*\`ServiceAtRisk\`[\\s\\S]*TCP 25 \\(smtp, master\\): listens on the primary address ${ip.replace(/\./g, '\\.')} only[\\s\\S]*Nothing was staged[\\s\\S]*--accept-port 25`),
      /Finished[\s\S]*Refused by the pre-flight; nothing changed/,
    ]);
    // The introspection is a read-only Cloud Assistant run; nothing else was written.
    expect(cloudWrites(env.sandbox, before).map((w) => w.action)).toEqual(['RunCommand']);
    expect([...env.sandbox.world.enis.values()].filter((e) => e.instanceId === id && e.type === 'Secondary')).toEqual([]);
    expect(dnatFor(env.sandbox, eip)).toEqual([expect.objectContaining({ internalIp: ip })]);
  });

  it('-i eth0 --dport 443 -j ACCEPT with a default DROP: refused without --configure-guest; with it, migrated and 443 answers after', async () => {
    const [id, , eip] = HOSTS.fw!;
    const refused = await env.waitThread(await run(id), finished, 'the refusal');
    expect(refused.join('\n')).toMatch(/ServiceAtRisk[\s\S]*TCP 443 \(https, nginx\): host firewall accepts it by "-A INPUT -i eth0 -p tcp -m tcp --dport 443 -j ACCEPT" on the primary NIC; on eth1 "the iptables INPUT policy DROP" drops it \(--configure-guest would fix it\)/);

    const jobId = await run(`${id} --configure-guest`);
    const lines = await approveAndFinish(jobId);
    assertOrder(lines, [
      /TCP 443 `https, nginx` on `0.0.0.0`: fixed by --configure-guest[\s\S]*will mirror "-A INPUT -i eth0 -p tcp -m tcp --dport 443 -j ACCEPT" for eth1/,
      /Configure the secondary NIC in the guest/,
      /Verification passed[\s\S]*2 of 2 service ports answer/,
      /Finished[\s\S]*Migrated and verified/,
    ]);
    expect(lines.find((l) => l.includes('Verification passed'))).toMatch(/\n443 +https +yes +yes/);
    expect(await probeEdgePort(env.sandbox.edge, eip, 443)).toMatchObject({ answered: true });
  });

  it('a Windows guest whose new NIC lands in the Public profile: refused naming 8080; with --configure-guest, migrated and 8080 and RDP answer after', async () => {
    const [id, ip, eip] = HOSTS.win!;
    const before = Date.now();
    const refused = await env.waitThread(await run(id), finished, 'the refusal');
    expect(refused.join('\n')).toMatch(/ServiceAtRisk[\s\S]*TCP 8080 \(http-alt\): the new NIC \(Ethernet 2\) lands in an unidentified network with the Public firewall profile, where no rule allows TCP 8080 in the Public profile \(default inbound: Block\); on the primary NIC \(Private\) rule "Line-of-business [^"]*app[^"]*" allows it \(--configure-guest would fix it: set Ethernet 2's network to Private/);
    expect(cloudWrites(env.sandbox, before).map((w) => w.action)).toEqual(['RunCommand']);
    // The one that ran (the realistic sandbox may have answered an earlier attempt with a transient code).
    expect(env.sandbox.requests.filter((q) => q.at >= before && q.action === 'RunCommand' && q.code === 'OK').map((q) => q.params.Type)).toEqual(['RunPowerShellScript']);
    expect(dnatFor(env.sandbox, eip)).toEqual([expect.objectContaining({ internalIp: ip })]);

    const jobId = await run(`${id} --configure-guest`);
    const lines = await approveAndFinish(jobId);
    assertOrder(lines, [
      /Guest NIC configuration\* \(--configure-guest\): persistent, with Windows:[\s\S]*TCP 8080 `http-alt` on `0.0.0.0`: fixed by --configure-guest[\s\S]*will set Ethernet 2's network to Private \(Set-NetConnectionProfile\)/,
      /Configure the secondary NIC in the guest/,
      /Verification passed[\s\S]*RDP answered[\s\S]*2 of 2 service ports answer/,
      /Finished[\s\S]*Migrated and verified/,
    ]);
    const verified = lines.find((l) => l.includes('Verification passed'))!;
    expect(verified).toMatch(/\n3389 +ms-wbt-server +yes +yes/);
    expect(verified).toMatch(/\n8080 +http-alt +yes +yes/);
    expect(verified).toContain(`observed \`${SNAT_IP}\``);
    expect(await probeEdgePort(env.sandbox.edge, eip, 8080)).toMatchObject({ answered: true });
    const runs = env.sandbox.requests.filter((q) => q.action === 'RunCommand' && q.params['InstanceId.1'] === id);
    expect(runs.every((q) => q.params.Type === 'RunPowerShellScript')).toBe(true);
    expect(await threadFaults(jobId)).toEqual([]);
  });

  it('a port that answers before and not after, for a reason introspection cannot see: restored, the thread names the port', async () => {
    const [id, ip, eip] = HOSTS.hidden!;
    const jobId = await run(id);
    const lines = await approveAndFinish(jobId);
    const text = lines.join('\n');
    expect(text).toMatch(/Verification failed[\s\S]*lost: `8080`/);
    expect(text).toMatch(/\n8080 +http-alt +yes +NO/);
    expect(text).toMatch(/port 8080 answered before the cutover and not after/);
    expect(lines[0]).toMatch(/restored/i);
    expect(dnatFor(env.sandbox, eip)).toEqual([expect.objectContaining({ internalIp: ip, status: 'Available' })]);
    expect((await env.engine.service.status(jobId))[0]?.outcome).not.toBe('migrated');
  });

  it('--accept-port on an at-risk port: migrated, the table marks it accepted', async () => {
    const [id] = HOSTS.accept!;
    const jobId = await run(`${id} --accept-port 8443`);
    const lines = await approveAndFinish(jobId);
    assertOrder(lines, [
      /TCP 8443 `https-alt, java` on `192.168.1.24`: at risk, accepted \(--accept-port\): listens on the primary address 192.168.1.24 only/,
      /Verification passed[\s\S]*2 of 3 service ports answer/,
      /Finished[\s\S]*Migrated and verified/,
    ]);
    expect(lines.find((l) => l.includes('Verification passed'))).toMatch(/\n8443 +https-alt +yes +no \(accepted\)/);
  });

  it('first bytes and a process name carrying Slack control sequences are inert in every message', async () => {
    const [id] = HOSTS.evil!;
    const jobId = await run(id);
    const lines = await approveAndFinish(jobId);
    expect(lines.join('\n')).toMatch(/Finished[\s\S]*Migrated and verified/);
    // As a person reads it: the sequences shown as typed (a live one would render as a mention or a link), cut short.
    const verified = lines.find((l) => l.includes('Verification passed'))!;
    expect(verified).toMatch(/\n2525 +<!here>evil +yes +yes +220 <!channel> <@U0EVE> <https:\/\/evil\.e…/);
    expect(verified).not.toContain('@eve');
    expect(await threadFaults(jobId)).toEqual([]);
  });
});
