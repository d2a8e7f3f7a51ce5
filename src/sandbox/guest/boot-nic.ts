// What the boot-time network configuration of every image works with: the guest's NICs as its stack sees them, the
// persisted files, and the shell lines (ip, dhclient, commands from the files) a boot runs to apply them.

export interface BootNic { dev: string; mac: string; primary: boolean }

export interface BootPlan {
  /** Shell lines run in order on the guest at boot (errors do not stop the boot). */
  lines: string[];
  /** What the stack logged: a file it ignored and why (kept in /var/log/boot-network.log). */
  log: string[];
}

export type Files = ReadonlyMap<string, string>;

/** The files directly in `dir`, by name, in lexical order (how every stack here reads its directory). */
export function filesIn(files: Files, dir: string): [string, string][] {
  const prefix = `${dir}/`;
  return [...files].filter(([p]) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
    .map(([p, c]): [string, string] => [p.slice(prefix.length), c]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The NIC a configuration names by device name and/or MAC; both given must agree. */
export function nicFor(nics: BootNic[], dev: string | undefined, mac: string | undefined): BootNic | { error: string } {
  const byMac = mac ? nics.find((n) => n.mac.toLowerCase() === mac.toLowerCase()) : undefined;
  const byDev = dev ? nics.find((n) => n.dev === dev) : undefined;
  if (mac && dev && byDev && byDev.mac.toLowerCase() !== mac.toLowerCase()) return { error: `Device ${dev} has different MAC address than expected, ignoring.` };
  const nic = mac ? byMac : byDev;
  if (!nic) return { error: mac ? `no device with MAC ${mac}` : dev ? `no device ${dev}` : 'names no device' };
  return nic;
}

/** Lines that bring a NIC up with an address ('dhcp' = the cloud's address by DHCP). */
export function addressLines(dev: string, address: string | 'dhcp'): string[] {
  return address === 'dhcp' ? [`dhclient ${dev}`] : [`ip link set dev ${dev} up`, `ip addr add ${address} dev ${dev}`];
}

/** A dotted netmask as a prefix length (undefined when it is not a valid mask). */
export function maskToPrefix(mask: string): number | undefined {
  const parts = mask.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  const bits = parts.map((p) => p.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? bits.indexOf('0') === -1 ? 32 : bits.indexOf('0') : undefined;
}
