import { describe, expect, it } from 'vitest';
import { classifyEgress, parseEgressIp, parseSshBanner } from '../../src/domain/egress.ts';
import type { Instance } from '../../src/domain/cloud-types.ts';
import { F, baseInstance, gateway, mapping, snat, vSwitches } from './fixtures.ts';

describe('parseEgressIp', () => {
  it.each([
    ['当前 IP：203.0.113.20  来自于：中国 浙江 杭州  阿里云\n', '203.0.113.20'],
    ['47.96.1.2\n', '47.96.1.2'],
    ['47.96.1.2', '47.96.1.2'],
    ['{"ip":"47.96.1.2","country":"CN"}', '47.96.1.2'],
    ['from 10.0.0.5 via 47.96.1.2', '47.96.1.2'], // a public IP is preferred over an earlier private one
    ['local 192.168.0.10 only', '192.168.0.10'], // no public one: the first IPv4 at all
    ['当前 IP：２０３．０．１１３．２０', '203.0.113.20'], // full-width digits
    ['version 1.2.3.4.5 then 47.96.1.9.', '47.96.1.9'],
    ['999.1.1.1', undefined],
    ['curl: (6) Could not resolve host: myip.ipip.net', undefined],
    ['', undefined],
  ])('%j → %s', (out, ip) => {
    expect(parseEgressIp(out)).toBe(ip);
  });
});

describe('parseSshBanner', () => {
  it.each([
    ['SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n', { protoVersion: '2.0', softwareVersion: 'OpenSSH_8.9p1', comments: 'Ubuntu-3ubuntu0.6', raw: 'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6' }],
    ['SSH-2.0-dropbear_2022.83', { protoVersion: '2.0', softwareVersion: 'dropbear_2022.83', raw: 'SSH-2.0-dropbear_2022.83' }],
    ['SSH-1.99-Cisco-1.25\r\n', { protoVersion: '1.99', softwareVersion: 'Cisco-1.25', raw: 'SSH-1.99-Cisco-1.25' }],
    ['Welcome\r\nSSH-2.0-OpenSSH_9.6\r\n', { protoVersion: '2.0', softwareVersion: 'OpenSSH_9.6', raw: 'SSH-2.0-OpenSSH_9.6' }],
    ['HTTP/1.1 400 Bad Request\r\n', undefined],
    ['SSH-2.0-\r\n', undefined],
    ['', undefined],
  ])('%j', (line, banner) => {
    expect(parseSshBanner(line)).toEqual(banner);
  });
});

describe('classifyEgress', () => {
  const inst = (patch: Partial<Instance> = {}): Instance => ({ ...baseInstance(), ...patch });
  const ctx = { dnatEntries: [mapping()], snatEntries: [snat()], natGateways: [gateway()], vSwitches: vSwitches() };

  it.each([
    ['DNAT IP mapping', inst(), ctx, { kind: 'dnat-ip-mapping', ip: F.eip, entryId: F.mappingId, needsMigration: true }, /EIP 47.96.1.1 of DNAT IP mapping fwd-bp1map000000000000/],
    ['own EIP wins over the mapping', inst({ eipAddress: '121.40.1.1' }), ctx, { kind: 'own-public-ip', ip: '121.40.1.1', needsMigration: false }, /own EIP 121.40.1.1/],
    ['static public IP', inst({ publicIps: ['118.31.1.1'] }), ctx, { kind: 'own-public-ip', ip: '118.31.1.1' }, /own public IP/],
    ['SNAT when there is no mapping', inst(), { ...ctx, dnatEntries: [] }, { kind: 'snat', ip: F.snatIp, entryId: F.snatEntryId, needsMigration: false }, /SNAT entry snat-bp1snat00000000000 \(vSwitch vsw-bp1vsw000000000000\) as 47.96.1.2/],
    ['port forwarding does not change egress', inst(), { ...ctx, dnatEntries: [mapping({ ipProtocol: 'TCP', externalPort: '22', internalPort: '22' })] }, { kind: 'snat' }, /SNAT/],
    ['a mapping being deleted does not count', inst(), { ...ctx, dnatEntries: [mapping({ status: 'Deleting' })] }, { kind: 'snat' }, /SNAT/],
    ['SNAT with several IPs', inst(), { ...ctx, dnatEntries: [], snatEntries: [snat({ snatIp: '47.96.1.2,47.96.1.4' })] }, { kind: 'snat', ip: F.snatIp, ips: [F.snatIp, '47.96.1.4'] }, /as 47.96.1.2 or 47.96.1.4/],
    ['most specific SNAT entry', inst(), { ...ctx, dnatEntries: [], snatEntries: [snat(), snat({ snatEntryId: 'snat-bp1host', sourceVSwitchId: undefined, sourceCidr: '192.168.0.10/32', snatIp: '47.96.1.8' })] }, { kind: 'snat', ip: '47.96.1.8', entryId: 'snat-bp1host' }, /CIDR 192.168.0.10\/32/],
    ['pending SNAT does not count', inst(), { ...ctx, dnatEntries: [], snatEntries: [snat({ status: 'Pending' })] }, { kind: 'none' }, /no Available SNAT entry/],
    ['no NAT gateway', inst(), { ...ctx, natGateways: [] }, { kind: 'none' }, /has no NAT gateway/],
    ['gateway of another VPC', inst(), { ...ctx, natGateways: [{ ...gateway(), vpcId: F.otherVpcId }] }, { kind: 'none' }, /has no NAT gateway/],
  ] as const)('%s', (_name, instance, c, expected, reason) => {
    const r = classifyEgress(instance, c);
    expect(r).toMatchObject(expected);
    expect(r.reason).toMatch(reason);
  });
});
