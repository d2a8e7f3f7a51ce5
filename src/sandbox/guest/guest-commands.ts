// The commands a modelled guest has: coreutils, `ip`, `curl`, DHCP (`dhclient`, `ifup`, `ifdown`), `hostname`, and
// service managers that are accepted without effect.
import { coreutils } from '../shell/coreutils.ts';
import { ok, type Command, type ExecResult } from '../shell/shell-runtime.ts';
import { curlCommand } from './curl-command.ts';
import { introspectionCommands } from './guest-introspection.ts';
import { dropUnreachableRoutes, localIps } from './guest-routing.ts';
import type { GuestSession } from './guest-sync.ts';
import { imageCommands } from './image-commands.ts';
import { ipCommand, ipLink } from './ip-command.ts';
import { noSuchDevice } from './ip-command-args.ts';

/** `dhclient [-r] [DEV…]`: takes (or with -r releases) the NIC's cloud address; brings the link up. */
function dhclient(g: GuestSession, args: string[]): ExecResult {
  const release = args.includes('-r');
  const devsArg = args.filter((a) => !a.startsWith('-'));
  const targets = devsArg.length ? devsArg : g.nics().map((n) => n.dev);
  for (const d of targets) {
    const nic = g.byDev(d);
    if (!nic) return noSuchDevice(d);
    const state = g.state().nics.get(nic.eniId)!;
    const lease = `${nic.ip}/${nic.prefix}`;
    if (release) { state.addrs = state.addrs.filter((a) => a !== lease); dropUnreachableRoutes(g.state(), nic.eniId); continue; }
    state.up = true;
    if (!state.addrs.includes(lease)) state.addrs.push(lease);
  }
  return ok();
}

export function guestCommands(g: GuestSession): Record<string, Command> {
  const noop: Command = () => ok();
  return {
    ...coreutils,
    ip: ipCommand(g), curl: curlCommand(g), dhclient: (a) => dhclient(g, a),
    ifup: (a) => dhclient(g, a.slice(0, 1)),
    ifdown: (a) => ipLink(g, ['set', a[0] ?? '', 'down']),
    hostname: (a) => (a.includes('-I') ? ok(`${localIps(g.state()).join(' ')} \n`) : ok(`${g.inst.guest.hostname}\n`)),
    systemctl: noop,
    service: noop,
    nmcli: noop,
    sysctl: (a) => ok(a.filter((x) => x.includes('=')).map((x) => `${x.replace('=', ' = ')}\n`).join('')),
    ...imageCommands(g),
    // ss, sysctl, iptables-save, iptables, nft: the services model's view (guest-introspection.ts).
    ...introspectionCommands(g),
  };
}
