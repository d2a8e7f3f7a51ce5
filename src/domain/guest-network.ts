// How --configure-guest makes the secondary NIC's policy routing persist, per network stack of the guest image, and
// the probe's answer as the plan records it. The script that writes each stack's files is in
// src/engine/migration/guest-persist-script.ts.

export type GuestNetworkMethod = 'netplan' | 'networkmanager' | 'network-scripts' | 'ifupdown';

export const GUEST_METHOD_LABEL: Record<GuestNetworkMethod, string> = {
  netplan: 'netplan routing-policy (/etc/netplan)',
  networkmanager: 'NetworkManager keyfile with routing rules',
  'network-scripts': 'network-scripts ifcfg-/route-/rule- files',
  ifupdown: 'ifupdown stanza in /etc/network/interfaces.d',
};

/** What the plan knows of the guest's network stack: the method, or why it could not be found out. */
export type GuestNetworkProbe = { method: GuestNetworkMethod } | { error: string };

/** The `stack=<method>` line the probe prints, if any. */
export function parseStackProbe(output: string): GuestNetworkMethod | undefined {
  const m = /^stack=(netplan|networkmanager|network-scripts|ifupdown)$/m.exec(output);
  return m ? (m[1] as GuestNetworkMethod) : undefined;
}

/** The plan card's words for how the guest will be configured. */
export function guestConfigText(probe: GuestNetworkProbe | undefined): string {
  if (!probe) return 'persistent; the network stack is detected in the guest when configuring';
  return 'method' in probe
    ? `persistent, with ${GUEST_METHOD_LABEL[probe.method]} (detected in the guest), applied now and checked`
    : `the guest's network stack could not be detected (${probe.error}); configuring will fail unless it is netplan, NetworkManager, ifupdown or network-scripts`;
}
