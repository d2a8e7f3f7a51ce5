import { formatIpv4, parseCidr } from '../../domain/ipv4.ts';
import { persistLines, STACK_PROBE } from './guest-persist-script.ts';

/**
 * The Cloud Assistant script that brings the secondary NIC up with source policy routing
 * (help.aliyun.com/en/ecs/user-guide/configure-nic-routing: "source in, source out"), so replies to traffic that arrived on the ENI leave through it.
 * Idempotent: `replace` for address and route, and the rule is deleted before it is added, so running it on an
 * already configured guest changes nothing. Then it persists the same configuration for the image's network stack
 * (guest-persist-script.ts), so it survives a reboot, and checks the rule and route are in place.
 */
export interface GuestNic {
  /** MAC of the ENI (the script finds the device by it). */
  mac: string;
  ip: string;
  /** CIDR of the ENI's vSwitch. */
  cidr: string;
  /** Policy-routing table for this NIC. */
  table: number;
  /** Shell lines that mirror host-firewall rules for this NIC (`$DEV`, `$IP`); built from checked fields only. */
  firewallLines?: string[];
  /** Shell lines that save the mirrored rules where the guest's firewall service loads them at boot. */
  firewallPersist?: string[];
}

/** The vSwitch gateway: Alibaba reserves the last three addresses of the block and routes through x.x.x.253. */
function vSwitchGatewayOf(cidr: string): string | undefined {
  const r = parseCidr(cidr);
  return r ? formatIpv4(r.end - 2) : undefined;
}

export function guestNicScript(nic: GuestNic): string {
  const r = parseCidr(nic.cidr);
  const fallbackGw = vSwitchGatewayOf(nic.cidr);
  if (!r || !fallbackGw) throw new Error(`bad vSwitch CIDR ${nic.cidr}`);
  const mac = nic.mac.toLowerCase();
  return [
    'set -e',
    `MAC=${mac}`,
    `IP=${nic.ip}`,
    `TABLE=${nic.table}`,
    // The gateway as the metadata service states it; the vSwitch convention when it does not answer.
    `GW=$(curl -sf --max-time 5 http://100.100.100.200/latest/meta-data/network/interfaces/macs/$MAC/gateway || true)`,
    `[ -n "$GW" ] || GW=${fallbackGw}`,
    // The device that carries the ENI's MAC (eth1 on most images, but not guaranteed).
    'DEV=""',
    'for d in $(ls /sys/class/net); do',
    '  if [ "$(cat /sys/class/net/$d/address)" = "$MAC" ]; then DEV=$d; fi',
    'done',
    '[ -n "$DEV" ] || { echo "no NIC with MAC $MAC"; exit 3; }',
    'ip link set dev "$DEV" up',
    `ip -4 addr show dev "$DEV" | grep -q "inet $IP/" || ip addr add $IP/${r.prefix} dev "$DEV"`,
    'ip route replace default via "$GW" dev "$DEV" table $TABLE',
    'while ip rule del from $IP lookup $TABLE 2>/dev/null; do :; done',
    'ip rule add from $IP lookup $TABLE priority $TABLE',
    ...(nic.firewallLines ?? []),
    `echo "configured $DEV $IP/${r.prefix} via $GW table $TABLE${nic.firewallLines?.length ? `; mirrored ${nic.firewallLines.length} firewall rule${nic.firewallLines.length === 1 ? '' : 's'}` : ''}"`,
    // …and the same, written where the image's network stack reads it at boot.
    `PREFIX=${r.prefix}`,
    ...STACK_PROBE,
    ...persistLines(),
    ...(nic.firewallPersist ?? []),
    'ip rule show | grep -q "from $IP lookup $TABLE" || { echo "the rule for $IP is not in place"; exit 6; }',
    'ip route show table $TABLE | grep -q "^default via $GW dev $DEV" || { echo "table $TABLE has no default route via $DEV"; exit 6; }',
    'echo "persisted $METHOD $CONF"',
  ].join('\n');
}
