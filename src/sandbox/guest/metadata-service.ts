// The instance metadata service at 100.100.100.200 (/latest/meta-data/…), as curl inside the guest reaches it;
// the keys served are the subset docs/sandbox.md lists.
import { netmask, prefixOf, vSwitchGateway } from '../ip.ts';
import { eniCidr, type GuestSession } from './guest-sync.ts';

export const METADATA_HOST = '100.100.100.200';

const NOT_FOUND = '<?xml version="1.0" encoding="iso-8859-1"?>\n<html><head><title>404 - Not Found</title></head><body><h1>404 - Not Found</h1></body></html>\n';

export function metadataPage(g: GuestSession, path: string): { status: number; body: string } {
  const { host, inst } = g;
  const list = g.nics();
  const p = path.replace(/^\/latest\/meta-data\/?/, '');
  const vpc = host.vpcs.get(inst.vpcId);
  const vsw = host.vSwitches.get(inst.vSwitchId);
  const primary = list.find((n) => n.eni.type === 'Primary');
  const top: Record<string, string | undefined> = {
    'instance-id': inst.instanceId, 'region-id': host.regionId, 'zone-id': inst.zoneId, hostname: inst.guest.hostname,
    'private-ipv4': inst.privateIp, mac: primary?.mac ?? inst.macAddress, 'vpc-id': inst.vpcId, 'vswitch-id': inst.vSwitchId,
    'vpc-cidr-block': vpc?.cidr, 'vswitch-cidr-block': vsw?.cidr, 'network-type': 'vpc', 'instance/instance-type': inst.instanceType,
    eipv4: inst.eipAddress, 'public-ipv4': inst.publicIp, 'owner-account-id': host.accountId,
  };
  if (!path.startsWith('/latest/meta-data')) return { status: 404, body: NOT_FOUND };
  if (p === '') return { status: 200, body: [...Object.keys(top).filter((k) => top[k] !== undefined && !k.includes('/')), 'instance/', 'network/'].sort().join('\n') };
  if (top[p] !== undefined) return { status: 200, body: top[p]! };
  const cloudNics = host.nicsOf(inst);
  if (p === 'network/interfaces/macs' || p === 'network/interfaces/macs/') return { status: 200, body: cloudNics.map((e) => `${e.macAddress}/`).join('\n') };
  const m = /^network\/interfaces\/macs\/([0-9a-f:]{17})\/?(.*)$/.exec(p);
  const eni = m ? cloudNics.find((e) => e.macAddress === m[1]) : undefined;
  if (m && eni) {
    const cidr = eniCidr(host, eni);
    const attrs: Record<string, string> = {
      'device-number': String(eni.deviceIndex ?? 0), gateway: vSwitchGateway(cidr), netmask: netmask(prefixOf(cidr)),
      'network-interface-id': eni.networkInterfaceId, 'primary-ip-address': eni.privateIp, 'private-ipv4s': JSON.stringify([eni.privateIp]),
      'vpc-cidr-block': host.vpcs.get(eni.vpcId)?.cidr ?? '', 'vpc-id': eni.vpcId, 'vswitch-cidr-block': cidr, 'vswitch-id': eni.vSwitchId,
    };
    if (m[2] === '') return { status: 200, body: Object.keys(attrs).sort().join('\n') };
    if (attrs[m[2]!] !== undefined) return { status: 200, body: attrs[m[2]!]! };
  }
  return { status: 404, body: NOT_FOUND };
}
