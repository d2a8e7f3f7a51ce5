import { describe, expect, it } from 'vitest';
import {
  describeDnat, ipInCidr, isIpMapping, snatCovers, snatIpsOf, snatRankNeedsVSwitchCidr, snatSpecificity, splitSnatIps,
} from '../../src/domain/dnat.ts';
import { cidrContains, cidrHasPublicAddress, formatIpv4, isPublicIpv4, parseCidr, parseIpv4 } from '../../src/domain/ipv4.ts';
import { parsePortRange, tcpPortOpenFromInternet } from '../../src/domain/security-groups.ts';

describe('isIpMapping', () => {
  it.each([
    ['Any', 'Any', 'Any', true],
    ['any', 'any', 'any', true],
    ['ANY', 'Any', 'aNy', true],
    [' Any ', 'Any', 'Any', true],
    ['TCP', 'Any', 'Any', false],
    ['Any', '22', 'Any', false],
    ['Any', 'Any', '22', false],
    ['UDP', '53', '53', false],
    ['', '', '', false],
  ])('%s/%s/%s → %s', (ipProtocol, externalPort, internalPort, ok) => {
    expect(isIpMapping({ ipProtocol, externalPort, internalPort })).toBe(ok);
  });
});

describe('ipInCidr', () => {
  it.each([
    ['192.168.0.10', '192.168.0.0/24', true],
    ['192.168.1.10', '192.168.0.0/24', false],
    ['10.1.2.3', '10.0.0.0/8', true],
    ['10.1.2.3', '0.0.0.0/0', true],
    ['192.168.0.10', '192.168.0.10/32', true],
    ['192.168.0.11', '192.168.0.10/32', false],
    ['192.168.0.10', '192.168.0.10', true],
    ['192.168.0.130', '192.168.0.129/25', true], // host bits set: tolerated
    ['172.31.255.255', '172.16.0.0/12', true],
    ['172.32.0.0', '172.16.0.0/12', false],
    ['256.1.1.1', '0.0.0.0/0', false],
    ['1.2.3', '0.0.0.0/0', false],
    ['01.2.3.4', '0.0.0.0/0', false],
    ['1.2.3.4', '1.2.3.0/33', false],
    ['1.2.3.4', 'garbage', false],
    ['1.2.3.4', '1.2.3.0/24/1', false],
  ])('%s in %s → %s', (ip, cidr, ok) => {
    expect(ipInCidr(ip, cidr)).toBe(ok);
  });

  it('parses and formats', () => {
    expect(formatIpv4(parseIpv4('203.0.113.20')!)).toBe('203.0.113.20');
    expect(parseCidr('10.0.0.0/8')).toEqual({ start: 167772160, end: 184549375, prefix: 8 });
    expect(cidrContains('0.0.0.0/0', '10.0.0.0/8')).toBe(true);
    expect(cidrContains('10.0.0.0/8', '0.0.0.0/0')).toBe(false);
  });

  it.each([
    ['47.96.1.1', true], ['203.0.113.20', true], ['8.8.8.8', true],
    ['10.0.0.1', false], ['172.16.5.4', false], ['192.168.0.1', false], ['127.0.0.1', false], ['100.100.100.200', false],
    ['169.254.1.1', false], ['0.0.0.0', false], ['224.0.0.1', false], ['255.255.255.255', false], ['nope', false],
  ])('isPublicIpv4(%s) → %s', (ip, ok) => {
    expect(isPublicIpv4(ip)).toBe(ok);
  });

  it.each([
    ['0.0.0.0/0', true], ['10.0.0.0/8', false], ['10.0.0.0/7', true], ['192.168.0.0/16', false], ['224.0.0.0/3', false],
    ['47.96.0.0/16', true], ['100.64.0.0/10', false], ['172.16.0.0/11', true], ['bad', false],
  ])('cidrHasPublicAddress(%s) → %s', (cidr, ok) => {
    expect(cidrHasPublicAddress(cidr)).toBe(ok);
  });
});

describe('SNAT helpers', () => {
  it.each([
    ['47.96.1.2', ['47.96.1.2']],
    ['47.96.1.2,47.96.1.3', ['47.96.1.2', '47.96.1.3']],
    [' 47.96.1.2 , 47.96.1.3 ,', ['47.96.1.2', '47.96.1.3']],
    ['47.96.1.2,47.96.1.2', ['47.96.1.2']],
    ['', []],
    [',,', []],
  ])('splitSnatIps(%j)', (s, ips) => {
    expect(splitSnatIps(s)).toEqual(ips);
  });

  it('snatIpsOf merges the verbatim field and the split list', () => {
    expect(snatIpsOf({ snatIp: '1.1.1.1,2.2.2.2', snatIps: ['2.2.2.2', '3.3.3.3'] })).toEqual(['1.1.1.1', '2.2.2.2', '3.3.3.3']);
    expect(snatIpsOf({ snatIp: '', snatIps: ['3.3.3.3'] })).toEqual(['3.3.3.3']);
  });

  const src = { vSwitchId: 'vsw-a', ip: '192.168.0.10' };
  it.each([
    [{ sourceVSwitchId: 'vsw-a' }, true],
    [{ sourceVSwitchId: 'vsw-b' }, false],
    [{ sourceCidr: '192.168.0.0/24' }, true],
    [{ sourceCidr: '192.168.0.10/32' }, true],
    [{ sourceCidr: '192.168.1.0/24' }, false],
    [{ sourceVSwitchId: 'vsw-b', sourceCidr: '192.168.0.0/16' }, true],
    [{ sourceVSwitchId: 'vsw-a', sourceCidr: '10.0.0.0/8' }, true],
    [{}, false],
  ])('snatCovers(%j)', (entry, ok) => {
    expect(snatCovers(entry, src)).toBe(ok);
  });

  it('ranks a longer prefix as more specific', () => {
    expect(snatSpecificity({ sourceCidr: '192.168.0.10/32' })).toBe(32);
    expect(snatSpecificity({ sourceVSwitchId: 'vsw-a' }, '192.168.0.0/24')).toBe(24);
    expect(snatSpecificity({ sourceVSwitchId: 'vsw-a' })).toBe(0);
  });

  it.each([
    ['one covering entry, by vSwitch', [{ sourceVSwitchId: 'vsw-a' }], false],
    ['two by CIDR', [{ sourceCidr: '192.168.0.0/24' }, { sourceCidr: '192.168.0.10/32' }], false],
    ['one by vSwitch, one by CIDR', [{ sourceVSwitchId: 'vsw-a' }, { sourceCidr: '192.168.0.10/32' }], true],
    ['a vSwitch entry that carries its CIDR', [{ sourceVSwitchId: 'vsw-a', sourceCidr: '192.168.0.0/24' }, { sourceCidr: '192.168.0.10/32' }], false],
    ['a vSwitch entry that does not cover the source', [{ sourceVSwitchId: 'vsw-b' }, { sourceCidr: '192.168.0.10/32' }], false],
    ['nothing covers', [], false],
  ])('snatRankNeedsVSwitchCidr: %s', (_name, entries, needs) => {
    expect(snatRankNeedsVSwitchCidr(entries, src)).toBe(needs);
  });

  it('describes entries', () => {
    expect(describeDnat({ externalIp: '1.1.1.1', externalPort: 'any', internalIp: '10.0.0.1', internalPort: 'ANY', ipProtocol: 'Any' })).toBe('IP mapping 1.1.1.1 → 10.0.0.1');
    expect(describeDnat({ externalIp: '1.1.1.1', externalPort: '2222', internalIp: '10.0.0.1', internalPort: '22', ipProtocol: 'tcp' })).toBe('TCP 1.1.1.1:2222 → 10.0.0.1:22');
  });
});

describe('security groups', () => {
  it.each([
    ['22/22', [22, 22]], ['1/65535', [1, 65535]], ['-1/-1', [1, 65535]], ['80/22', undefined], ['0/10', undefined], ['x', undefined],
  ])('parsePortRange(%s)', (r, out) => {
    expect(parsePortRange(r)).toEqual(out);
  });

  it('merges rules of several groups', () => {
    const open = tcpPortOpenFromInternet([
      { securityGroupId: 'sg-a', vpcId: 'v', rules: [{ direction: 'ingress', ipProtocol: 'TCP', portRange: '22/22', sourceCidrIp: '0.0.0.0/0', policy: 'Drop', priority: 50 }] },
      { securityGroupId: 'sg-b', vpcId: 'v', rules: [{ direction: 'ingress', ipProtocol: 'TCP', portRange: '22/22', sourceCidrIp: '0.0.0.0/0', policy: 'Accept', priority: 1 }] },
    ], 22);
    expect(open).toEqual({ open: true, acceptedBy: 'sg-b: Accept TCP 22/22 from 0.0.0.0/0 (priority 1)' });
  });
});
