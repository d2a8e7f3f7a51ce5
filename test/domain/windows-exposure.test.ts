// The Windows half of the services check, pure: the introspection's JSON (as 5.1 prints it, or with enum names as
// PowerShell 7's -EnumsAsStrings does) in, per carried TCP port whether the Public profile of the new NIC lets it in,
// and how --configure-guest fixes it (Private network, or a rule mirrored for one port on the new NIC only).
import { describe, expect, it } from 'vitest';
import { guestNetworkOf } from '../../src/domain/guest-network.ts';
import { servicesView } from '../../src/domain/plan-hash.ts';
import { serviceRefusal, serviceReportOf } from '../../src/domain/plan-services.ts';
import type { ServiceReport } from '../../src/domain/service-exposure.ts';
import { checkWindowsConfig, windowsConfigOf, windowsNicScript } from '../../src/domain/windows-nic-config.ts';

const PRIMARY = '192.168.0.10';
type Rule = { Name: string; DisplayName?: string; Profile: number | string; Action: number | string; port: string; raddr?: string };

type Staged = { alias: string; category: number; ip: string; mirrored?: boolean };
function output(o: { category?: number | string; publicInbound?: number | string; publicEnabled?: number; rules: Rule[]; listeners?: [string, number][]; staged?: Staged }): string {
  const j = (v: unknown) => JSON.stringify(v, null, 4);
  const listeners = o.listeners ?? [['0.0.0.0', 3389], ['0.0.0.0', 80], ['0.0.0.0', 8080]];
  return [
    '### stack', 'stack=windows',
    '### tcp', j(listeners.map(([a, p]) => ({ LocalAddress: a, LocalPort: p, OwningProcess: 1234 }))),
    '### profiles', j([{ Name: 'Network', InterfaceAlias: 'Ethernet', InterfaceIndex: 6, NetworkCategory: o.category ?? 1 }, ...(o.staged ? [{ Name: 'Unidentified network', InterfaceAlias: o.staged.alias, InterfaceIndex: 9, NetworkCategory: o.staged.category }] : [])]),
    '### firewall', j([{ Name: 'Domain', Enabled: 1, DefaultInboundAction: 0 }, { Name: 'Private', Enabled: 1, DefaultInboundAction: 0 }, { Name: 'Public', Enabled: o.publicEnabled ?? 1, DefaultInboundAction: o.publicInbound ?? 0 }]),
    '### rules', j(o.rules.map((r) => ({ Name: r.Name, DisplayName: r.DisplayName ?? r.Name, Profile: r.Profile, Action: r.Action }))),
    '### ports', j(o.rules.map((r) => ({ InstanceID: r.Name, Protocol: 'TCP', LocalPort: r.port }))),
    '### ifaces', j(o.rules.map((r) => ({ InstanceID: r.Name, InterfaceAlias: r.Name.startsWith('natmigrate-mirror') && o.staged ? o.staged.alias : 'Any' }))),
    '### raddrs', j(o.rules.map((r) => ({ InstanceID: r.Name, RemoteAddress: r.raddr ?? 'Any' }))),
    '### addresses', j([{ IPAddress: PRIMARY, InterfaceIndex: 6, InterfaceAlias: 'Ethernet' }, ...(o.staged ? [{ IPAddress: o.staged.ip, InterfaceIndex: 9, InterfaceAlias: o.staged.alias }] : [])]),
  ].join('\n');
}

const RDP: Rule = { Name: 'RemoteDesktop-UserMode-In-TCP', Profile: 0, Action: 2, port: '3389' };
const WEB: Rule = { Name: 'IIS-WebServerRole-HTTP-In-TCP', Profile: 0, Action: 2, port: '80' };
const APP: Rule = { Name: 'app-8080', DisplayName: 'Line-of-business app', Profile: 3, Action: 2, port: '8080' };

const report = (out: string, o: { configureGuest?: boolean; accept?: number[] } = {}) =>
  serviceReportOf({ output: out }, PRIMARY, { ports: { kind: 'all' }, configureGuest: o.configureGuest ?? false, acceptPorts: o.accept ?? [] }) as Extract<ServiceReport, { checked: true }>;
const statuses = (r: Extract<ServiceReport, { checked: true }>) => r.tcp.map((p) => [p.port, p.status, p.windowsFix?.method]);

describe('Windows services: the Public profile of the new NIC', () => {
  it.each([
    ['Private primary, app allowed in Domain+Private: 8080 at risk, fixable by Private', { rules: [RDP, WEB, APP] }, [[80, 'ok', undefined], [3389, 'ok', undefined], [8080, 'at_risk', 'set_private']]],
    ['enum names (PowerShell 7 -EnumsAsStrings) read the same', { category: 'Private', publicInbound: 'NotConfigured', rules: [RDP, WEB, { ...APP, Profile: 'Domain, Private', Action: 'Allow' }] }, [[80, 'ok', undefined], [3389, 'ok', undefined], [8080, 'at_risk', 'set_private']]],
    ['Domain primary: fixable by a mirrored rule', { category: 2, rules: [RDP, WEB, APP] }, [[80, 'ok', undefined], [3389, 'ok', undefined], [8080, 'at_risk', 'mirror']]],
    ['Domain primary, a remote-address limit: not mirrored (it would open wider)', { category: 2, rules: [RDP, WEB, { ...APP, raddr: '10.0.0.0/8' }] }, [[80, 'ok', undefined], [3389, 'ok', undefined], [8080, 'at_risk', undefined]]],
    ['Public profile off: nothing at risk', { publicEnabled: 0, rules: [RDP, APP] }, [[80, 'closed_before', undefined], [3389, 'ok', undefined], [8080, 'ok', undefined]]],
    ['a Public block rule on 3389 blocks RDP on the new NIC', { rules: [RDP, { Name: 'block-rdp', Profile: 4, Action: 4, port: '3389' }] }, [[80, 'closed_before', undefined], [3389, 'at_risk', 'set_private'], [8080, 'closed_before', undefined]]],
    ['primary already Public: both NICs alike', { category: 0, rules: [RDP, APP] }, [[80, 'closed_before', undefined], [3389, 'ok', undefined], [8080, 'closed_before', undefined]]],
  ] as const)('%s', (_n, o, want) => {
    expect(statuses(report(output(o as unknown as Parameters<typeof output>[0])))).toEqual(want);
  });

  it('refuses ServiceAtRisk naming the port and the profile, and says how --configure-guest fixes it', () => {
    const r = serviceRefusal(report(output({ rules: [RDP, WEB, APP] })), 'i-win');
    expect(r?.code).toBe('ServiceAtRisk');
    expect(r?.message).toMatch(/TCP 8080 \(http-alt\): the new NIC \(Ethernet 2\) lands in an unidentified network with the Public firewall profile, where no rule allows TCP 8080 in the Public profile \(default inbound: Block\); on the primary NIC \(Private\) rule "Line-of-business app" allows it \(--configure-guest would fix it: set Ethernet 2's network to Private \(Set-NetConnectionProfile\)/);
    expect(r?.message).toMatch(/--accept-port 8080/);
    expect(statuses(report(output({ rules: [RDP, WEB, APP] }), { configureGuest: true }))).toContainEqual([8080, 'fixed', 'set_private']);
    expect(statuses(report(output({ rules: [RDP, WEB, APP] }), { accept: [8080] }))).toContainEqual([8080, 'accepted', 'set_private']);
    expect(serviceRefusal(report(output({ rules: [RDP, WEB, APP] }), { configureGuest: true }), 'i-win')).toBeUndefined();
  });

  it('at the gate the staged NIC is judged as it is now, so the approved view of the services does not change', () => {
    const opts = (configureGuest: boolean, accept: number[] = []) => ({ ports: { kind: 'all' as const }, configureGuest, acceptPorts: accept });
    const STAGED = '192.168.0.77';
    const view = (out: string, o: ReturnType<typeof opts>, staged?: string) => servicesView(serviceReportOf({ output: out }, PRIMARY, o, staged));
    // --configure-guest set the new NIC's network to Private: 8080 now answers ("fixed" then, "ok" now: both "answers").
    const planned = view(output({ rules: [RDP, WEB, APP] }), opts(true));
    const gate = serviceReportOf({ output: output({ rules: [RDP, WEB, APP], staged: { alias: 'Ethernet 2', category: 1, ip: STAGED } }) }, PRIMARY, opts(true), STAGED);
    expect(gate.checked && gate.tcp.find((p) => p.port === 8080)?.status).toBe('ok');
    expect(view(output({ rules: [RDP, WEB, APP], staged: { alias: 'Ethernet 2', category: 1, ip: STAGED } }), opts(true), STAGED)).toEqual(planned);
    // Next to a domain network the mirrored rule (on Ethernet 2 only) lets it in.
    const mirrored: Rule = { Name: 'natmigrate-mirror-tcp8080', Profile: 4, Action: 2, port: '8080' };
    const dom = view(output({ category: 2, rules: [RDP, WEB, APP] }), opts(true));
    expect(view(output({ category: 2, rules: [RDP, WEB, APP, mirrored], staged: { alias: 'Ethernet 2', category: 0, ip: STAGED } }), opts(true), STAGED)).toEqual(dom);
    // Accepted, not fixed: still blocked at the gate, named the same way (Ethernet 2, not one NIC more).
    const acc = view(output({ rules: [RDP, WEB, APP] }), opts(false, [8080]));
    expect(view(output({ rules: [RDP, WEB, APP], staged: { alias: 'Ethernet 2', category: 0, ip: STAGED } }), opts(false, [8080]), STAGED)).toEqual(acc);
  });

  it('a service bound to the primary address is at risk and not fixable', () => {
    const rep = report(output({ rules: [RDP, WEB], listeners: [['0.0.0.0', 3389], [PRIMARY, 80]] }), { configureGuest: true });
    expect(rep.tcp.find((p) => p.port === 80)).toMatchObject({ status: 'at_risk', reasons: [{ kind: 'bound_to_primary', address: PRIMARY }] });
  });

  it('the stack line of the same read names the Windows method; unreadable JSON is "not checked"', () => {
    expect(guestNetworkOf({ output: output({ rules: [RDP] }) })).toEqual({ method: 'windows' });
    expect(serviceReportOf({ output: '### stack\nstack=windows\n### tcp\nnot json\n### profiles\n[]\n### firewall\n[]\n### rules\n[]\n' }, PRIMARY, { ports: { kind: 'all' }, configureGuest: false })).toMatchObject({ checked: false });
  });

  it('--configure-guest: the script sets the metric in both stores and the category or mirrored rules; the check reads them back', () => {
    const priv = windowsConfigOf('192.168.0.77', report(output({ rules: [RDP, WEB, APP] }), { configureGuest: true }).tcp);
    expect(priv).toEqual({ eniIp: '192.168.0.77', setPrivate: true, mirrorPorts: [] });
    const script = windowsNicScript(priv);
    expect(script).toMatch(/-InterfaceMetric 100 -PolicyStore ActiveStore\n.*-InterfaceMetric 100 -PolicyStore PersistentStore/);
    expect(script).toMatch(/Set-NetConnectionProfile -InterfaceIndex \$idx -NetworkCategory Private/);
    const dom = windowsConfigOf('192.168.0.77', report(output({ category: 2, rules: [RDP, WEB, APP] }), { configureGuest: true }).tcp);
    expect(dom).toEqual({ eniIp: '192.168.0.77', setPrivate: false, mirrorPorts: [8080] });
    expect(windowsNicScript(dom)).toMatch(/New-NetFirewallRule -Name 'natmigrate-mirror-tcp8080' .* -Protocol TCP -LocalPort 8080 -Profile Public -InterfaceAlias \$alias/);
    expect(() => windowsNicScript({ eniIp: "1.2.3.4'; Remove-Item", setPrivate: true, mirrorPorts: [] })).toThrow();
    const good = '### profile\n{ "InterfaceAlias": "Ethernet 2", "InterfaceIndex": 9, "NetworkCategory": 1 }\n### metric\n{ "InterfaceIndex": 9, "InterfaceMetric": 100, "AutomaticMetric": 0 }\n### rules\n[]\n';
    expect(checkWindowsConfig(good, priv)).toEqual({ alias: 'Ethernet 2', category: 'Private', metric: 100, problems: [] });
    expect(checkWindowsConfig(good.replace('"NetworkCategory": 1', '"NetworkCategory": 0'), priv).problems).toEqual(["the new NIC's network is Public, not Private"]);
    expect(checkWindowsConfig(good, dom).problems).toEqual(['the mirrored rule for TCP 8080 is not in place']);
  });
});
