// The modelled guest OS behind Cloud Assistant, as the rest of the sandbox uses it: run a script in it, ask whether
// replies to a NIC's address would leave through that NIC (the public edge), and read its egress IP.
import type { EniState, InstanceState } from '../model/cloud-resources.ts';
import { runShell, type ShellRun } from '../shell/shell-interpreter.ts';
import { guestCommands } from './guest-commands.ts';
import { egressIpOf } from './guest-egress.ts';
import { guestFs } from './guest-fs.ts';
import type { GuestHost } from './guest-host.ts';
import { guestInbound, type InboundVerdict } from './guest-services.ts';
import { replyPath } from './guest-routing.ts';
import { syncGuest, type GuestSession } from './guest-sync.ts';

export function openGuest(host: GuestHost, inst: InstanceState): GuestSession {
  const g: GuestSession = {
    host,
    inst,
    nics: () => syncGuest(host, inst, (rc) => { runShell(rc, { commands: guestCommands(g), fs: guestFs(g) }); }),
    state: () => inst.guestState,
    byDev: (dev) => g.nics().find((n) => n.dev === dev),
  };
  return g;
}

/** Runs a Cloud Assistant script on the instance's modelled guest. */
export function runGuestScript(host: GuestHost, inst: InstanceState, script: string): ShellRun {
  const g = openGuest(host, inst);
  g.nics();
  return runShell(script, { commands: guestCommands(g), fs: guestFs(g), env: { HOME: '/root', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin', USER: 'root' } });
}

/** Would the guest answer a connection from `clientIp` to `eni`'s IP out of that same NIC? */
export function guestReplyPath(host: GuestHost, inst: InstanceState, eni: EniState, clientIp: string): { ok: true } | { ok: false; reason: string } {
  return replyPath(openGuest(host, inst), eni, clientIp);
}

/** The instance's egress IP as an IP-echo page would print it; undefined = the request would time out. */
export function egressIp(world: GuestHost & { readonly instances: ReadonlyMap<string, InstanceState> }, instanceId: string): string | undefined {
  const inst = world.instances.get(instanceId);
  if (!inst || inst.status !== 'Running') return undefined;
  return egressIpOf(openGuest(world, inst));
}

/** Would a new connection from `clientIp` to `eni`'s IP and `port` reach a listener (rp_filter, firewall, bind)? */
export function guestInboundVerdict(host: GuestHost, inst: InstanceState, eni: EniState, port: number, clientIp: string): InboundVerdict {
  return guestInbound(openGuest(host, inst), eni, port, clientIp);
}
