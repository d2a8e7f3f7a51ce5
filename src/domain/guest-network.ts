// How --configure-guest makes the secondary NIC's policy routing persist, per network stack of the guest image, and
// the probe's answer as the plan records it. The script that writes each stack's files is in
// src/engine/migration/guest-persist-script.ts.

export type GuestNetworkMethod = 'netplan' | 'networkmanager' | 'network-scripts' | 'ifupdown' | 'windows';

export const GUEST_METHOD_LABEL: Record<GuestNetworkMethod, string> = {
  netplan: 'netplan routing-policy (/etc/netplan)',
  networkmanager: 'NetworkManager keyfile with routing rules',
  'network-scripts': 'network-scripts ifcfg-/route-/rule- files',
  ifupdown: 'ifupdown stanza in /etc/network/interfaces.d',
  windows: 'Windows: the new NIC\'s interface metric in PersistentStore (egress stays on the primary NIC) and its network set to Private or the allowing firewall rule mirrored for it (Set-NetIPInterface, Set-NetConnectionProfile, New-NetFirewallRule)',
};

/** Shell lines that set METHOD to the image's network stack (`none` when no supported one is found). Read-only. */
export const STACK_DETECT = [
  'if [ -d /etc/netplan ]; then METHOD=netplan',
  'elif systemctl is-active --quiet NetworkManager; then METHOD=networkmanager',
  'elif [ -f /etc/network/interfaces ]; then METHOD=ifupdown',
  'elif [ -d /etc/sysconfig/network-scripts ]; then METHOD=network-scripts',
  'else METHOD=none; fi',
];

/** What the plan knows of the guest's network stack: the method, or why it could not be found out. */
export type GuestNetworkProbe = { method: GuestNetworkMethod } | { error: string };

/** The `stack=<method>` line the probe prints, if any. */
export function parseStackProbe(output: string): GuestNetworkMethod | undefined {
  const m = /^stack=(netplan|networkmanager|network-scripts|ifupdown|windows)$/m.exec(output);
  return m ? (m[1] as GuestNetworkMethod) : undefined;
}

/** The plan card's words for how the guest will be configured. */
export function guestConfigText(probe: GuestNetworkProbe | undefined): string {
  if (!probe) return 'persistent; the network stack is detected in the guest when configuring';
  return 'method' in probe
    ? `persistent, with ${GUEST_METHOD_LABEL[probe.method]} (detected in the guest), applied now and checked`
    : `the guest's network stack could not be detected (${probe.error}); configuring will fail unless it is netplan, NetworkManager, ifupdown, network-scripts or Windows`;
}

/** The plan's guest read as the network-stack probe: the `stack=` line of its `### stack` section, or why not. */
export function guestNetworkOf(read: { output: string } | { error: string }): GuestNetworkProbe {
  if ('error' in read) return { error: read.error };
  const method = parseStackProbe(read.output);
  if (method) return { method };
  return /^stack=none$/m.test(read.output)
    ? { error: 'no supported network stack (netplan, NetworkManager, ifupdown, network-scripts) found' }
    : { error: 'the guest read printed no stack line' };
}
