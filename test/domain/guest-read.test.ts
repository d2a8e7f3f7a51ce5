// The plan's one read-only look inside a guest answers two questions: what it serves and, for --configure-guest,
// which network stack will persist the NIC. Pure: the script's output in, both answers out.
import { describe, expect, it } from 'vitest';
import { guestNetworkOf } from '../../src/domain/guest-network.ts';
import { INTROSPECTION_SCRIPT, serviceReportOf } from '../../src/domain/plan-services.ts';
import { WINDOWS_INTROSPECTION_SCRIPT } from '../../src/domain/windows-listing.ts';

const SS = 'tcp   LISTEN 0      511                0.0.0.0:80           0.0.0.0:*    users:(("nginx",pid=1,fd=6))\n';
const linux = (stack: string) => `### stack\nstack=${stack}\n### ss\n${SS}### iptables-save\n### nft\n### sysctl\nnet.ipv4.conf.all.rp_filter = 0\n### ip\n2: eth0    inet 192.168.0.10/24 scope global eth0\n`;

describe('one guest read per plan', () => {
  it('the Linux script prints the stack section first, read-only', () => {
    expect(INTROSPECTION_SCRIPT.indexOf('### stack')).toBeLessThan(INTROSPECTION_SCRIPT.indexOf('### ss'));
    expect(INTROSPECTION_SCRIPT).not.toMatch(/\bexit [1-9]/); // no stack found is an answer, not a failure
    expect(WINDOWS_INTROSPECTION_SCRIPT).toMatch(/^Write-Output 'stack=windows'$/m);
  });

  it.each([
    ['netplan', { method: 'netplan' }],
    ['networkmanager', { method: 'networkmanager' }],
    ['none', { error: 'no supported network stack (netplan, NetworkManager, ifupdown, network-scripts) found' }],
  ] as const)('stack=%s', (stack, want) => {
    expect(guestNetworkOf({ output: linux(stack) })).toEqual(want);
    // …and the same output still gives the services.
    expect(serviceReportOf({ output: linux(stack) }, '192.168.0.10', { ports: { kind: 'all' }, configureGuest: true })).toMatchObject({ checked: true, tcp: [{ port: 80, status: 'ok' }] });
  });

  it('a read that failed is the reason for both', () => {
    expect(guestNetworkOf({ error: 'RunCommand: ClientNotRunning' })).toEqual({ error: 'RunCommand: ClientNotRunning' });
    expect(guestNetworkOf({ output: '### ss\n' })).toEqual({ error: 'the guest read printed no stack line' });
  });
});
