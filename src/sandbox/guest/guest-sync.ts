// Keeping a guest's view in line with the cloud: NICs appear (eth0 = primary, eth1… in attach order) once their ENI
// is InUse and vanish when it is not; a new boot drops everything not persisted, lets the image's network stack apply
// its files, and replays /etc/rc.local.
import { prefixOf, vSwitchGateway } from '../ip.ts';
import type { EniState, InstanceState } from '../model/cloud-resources.ts';
import { bootNetworkPlan, BOOT_LOG } from './boot-network.ts';
import type { GuestHost } from './guest-host.ts';
import { imageOf } from './guest-images.ts';
import { autoTable, MAIN_TABLE, newGuestState, nextRulePriority, type GuestNicState, type GuestState } from './guest-state.ts';

/** A guest NIC together with the cloud facts about its ENI. */
export interface NicView extends GuestNicState { eni: EniState; mac: string; ip: string; prefix: number; gateway: string; vSwitchCidr: string; index: number }

/** One instance's guest, as the commands, the filesystem and the routing questions see it. */
export interface GuestSession {
  readonly host: GuestHost;
  readonly inst: InstanceState;
  /** The NICs, after bringing the guest in line with the cloud (every call re-syncs). */
  nics(): NicView[];
  /** The guest's network state (the same object for the life of the instance). */
  state(): GuestState;
  byDev(dev: string): NicView | undefined;
}

/** The CIDR of the ENI's vSwitch (a /24 around its IP when the vSwitch is unknown). */
export function eniCidr(host: GuestHost, eni: EniState): string {
  return host.vSwitches.get(eni.vSwitchId)?.cidr ?? `${eni.privateIp}/24`;
}

/**
 * Brings the guest's view in line with the cloud. On a new boot it resets the network state, keeping the files, and
 * hands a persisted /etc/rc.local to `replayRcLocal` (which runs it with the guest's commands).
 */
export function syncGuest(host: GuestHost, inst: InstanceState, replayRcLocal: (script: string) => void): NicView[] {
  host.settle();
  const st = inst.guestState;
  if (st.bootId !== inst.bootId) {
    const files = st.files;
    Object.assign(st, newGuestState(), { files, bootId: inst.bootId });
    const views = syncNics(host, inst);
    applyPersistedNetwork(inst, views, replayRcLocal);
    const rc = files.get('/etc/rc.local') ?? files.get('/etc/rc.d/rc.local');
    if (rc !== undefined) {
      syncNics(host, inst);
      replayRcLocal(rc);
    }
  }
  return syncNics(host, inst);
}

/** The image's network stack applies its files (boot-network.ts); what it ignored goes to BOOT_LOG. */
function applyPersistedNetwork(inst: InstanceState, views: NicView[], run: (script: string) => void): void {
  const files = inst.guestState.files;
  const onDisk = new Map([...Object.entries(imageOf(inst.guest.image).files), ...files]);
  const plan = bootNetworkPlan(inst.guest.image, onDisk, views.map((v) => ({ dev: v.dev, mac: v.mac, primary: v.eni.type === 'Primary' })));
  if (plan.log.length) files.set(BOOT_LOG, (files.get(BOOT_LOG) ?? '') + plan.log.map((l) => `boot ${inst.bootId}: ${l}\n`).join(''));
  if (plan.lines.length) run(plan.lines.join('\n'));
}

function syncNics(host: GuestHost, inst: InstanceState): NicView[] {
  const st = inst.guestState;
  const present = new Map(host.nicsOf(inst).map((e) => [e.networkInterfaceId, e]));
  for (const id of [...st.nics.keys()]) {
    if (!present.has(id)) { st.nics.delete(id); st.routes = st.routes.filter((r) => r.eniId !== id); }
  }
  for (const eni of present.values()) {
    if (st.nics.has(eni.networkInterfaceId)) continue;
    const cidr = eniCidr(host, eni);
    const prefix = prefixOf(cidr);
    const gw = vSwitchGateway(cidr);
    if (eni.type === 'Primary') {
      st.nics.set(eni.networkInterfaceId, { eniId: eni.networkInterfaceId, dev: 'eth0', up: true, addrs: [`${eni.privateIp}/${prefix}`] });
      st.routes.push({ table: MAIN_TABLE, dest: 'default', via: gw, eniId: eni.networkInterfaceId, metric: 100, proto: 'dhcp' });
      continue;
    }
    const taken = new Set([...st.nics.values()].map((n) => n.dev));
    let n = 1;
    while (taken.has(`eth${n}`)) n++;
    const dev = `eth${n}`;
    // Windows' DHCP and strong host model behave like a self-configuring image here (guest-images.ts).
    if (inst.guest.configuresSecondaryNic || imageOf(inst.guest.image).osType === 'windows') {
      const table = autoTable(n);
      st.nics.set(eni.networkInterfaceId, { eniId: eni.networkInterfaceId, dev, up: true, addrs: [`${eni.privateIp}/${prefix}`] });
      st.routes.push({ table: MAIN_TABLE, dest: 'default', via: gw, eniId: eni.networkInterfaceId, metric: table, proto: 'dhcp' });
      st.routes.push({ table, dest: 'default', via: gw, eniId: eni.networkInterfaceId, proto: 'dhcp' });
      const from = `${eni.privateIp}/32`;
      if (!st.rules.some((r) => r.from === from && r.table === table)) st.rules.push({ priority: nextRulePriority(st), from, table });
    } else {
      st.nics.set(eni.networkInterfaceId, { eniId: eni.networkInterfaceId, dev, up: false, addrs: [] });
    }
  }
  return [...st.nics.values()].map((nic) => {
    const eni = present.get(nic.eniId)!;
    const cidr = eniCidr(host, eni);
    return { ...nic, eni, mac: eni.macAddress, ip: eni.privateIp, prefix: prefixOf(cidr), gateway: vSwitchGateway(cidr), vSwitchCidr: cidr, index: Number(nic.dev.slice(3)) + 2 };
  }).sort((a, b) => a.index - b.index);
}
