// The part of the --configure-guest script that makes the secondary NIC's configuration survive a reboot: it finds
// which network stack the image runs and writes that stack's own files, then checks they are in place.
// - netplan (Ubuntu): a file in /etc/netplan with `routes` (table) and `routing-policy` (netplan.io/reference), checked
//   with `netplan generate`;
// - NetworkManager (Alibaba Cloud Linux 3): a keyfile with route1_options=table=N and routing-rule1 (nm-settings-nmcli(5):
//   ipv4.routing-rules needs a priority), mode 0600 as nm-settings-keyfile(5) requires, then `nmcli connection reload`;
// - network-scripts (Alibaba Cloud Linux 2, CentOS 7): ifcfg-, route- and rule- files (initscripts' sysconfig.txt; the
//   layout of Alibaba's multi-nic-util);
// - ifupdown (Debian): a stanza in /etc/network/interfaces.d with post-up `ip route` / `ip rule` (interfaces(5)).
// The rule's priority is the table number, so the persisted rule and the one added at run time are the same rule.

import { STACK_DETECT, type GuestNetworkMethod } from '../../domain/guest-network.ts';

/** Shell lines that set METHOD to the image's network stack, or exit 4 when none is known. */
export const STACK_PROBE = [
  ...STACK_DETECT,
  'if [ "$METHOD" = none ]; then echo "no supported network stack (netplan, NetworkManager, ifupdown, network-scripts) found"; exit 4; fi',
];

/** Lines that persist the configuration; they expect DEV, MAC, IP, PREFIX, GW, TABLE and METHOD to be set. */
export function persistLines(): string[] {
  return [
    'PRIO=$TABLE',
    'if [ "$METHOD" = netplan ]; then',
    '  CONF=/etc/netplan/60-natmigrate-$DEV.yaml',
    '  cat > "$CONF" <<EOF',
    'network:',
    '  version: 2',
    '  ethernets:',
    '    natmigrate-$DEV:',
    '      match:',
    '        macaddress: "$MAC"',
    '      set-name: $DEV',
    '      dhcp4: false',
    '      addresses: [$IP/$PREFIX]',
    '      routes:',
    '        - to: default',
    '          via: $GW',
    '          table: $TABLE',
    '      routing-policy:',
    '        - from: $IP/32',
    '          table: $TABLE',
    '          priority: $PRIO',
    'EOF',
    '  chmod 600 "$CONF"',
    '  netplan generate',
    'elif [ "$METHOD" = networkmanager ]; then',
    '  CONF=/etc/NetworkManager/system-connections/natmigrate-$DEV.nmconnection',
    '  cat > "$CONF" <<EOF',
    '[connection]',
    'id=natmigrate-$DEV',
    'type=ethernet',
    'interface-name=$DEV',
    'autoconnect=true',
    '',
    '[ethernet]',
    'mac-address=$MAC',
    '',
    '[ipv4]',
    'method=manual',
    'address1=$IP/$PREFIX',
    'never-default=true',
    'route1=0.0.0.0/0,$GW',
    'route1_options=table=$TABLE',
    'routing-rule1=priority $PRIO from $IP/32 table $TABLE',
    '',
    '[ipv6]',
    'method=ignore',
    'EOF',
    '  chmod 600 "$CONF"',
    '  nmcli connection reload',
    'elif [ "$METHOD" = network-scripts ]; then',
    '  D=/etc/sysconfig/network-scripts',
    '  CONF=$D/ifcfg-$DEV',
    '  printf "DEVICE=%s\\nHWADDR=%s\\nBOOTPROTO=static\\nIPADDR=%s\\nPREFIX=%s\\nONBOOT=yes\\nDEFROUTE=no\\n" "$DEV" "$MAC" "$IP" "$PREFIX" > "$CONF"',
    '  echo "default via $GW dev $DEV table $TABLE" > $D/route-$DEV',
    '  echo "from $IP/32 table $TABLE priority $PRIO" > $D/rule-$DEV',
    'else',
    '  CONF=/etc/network/interfaces.d/natmigrate-$DEV',
    '  if ! grep -q "^source.*interfaces.d" /etc/network/interfaces; then echo "source /etc/network/interfaces.d/*" >> /etc/network/interfaces; fi',
    '  cat > "$CONF" <<EOF',
    'auto $DEV',
    'iface $DEV inet static',
    '    address $IP/$PREFIX',
    '    post-up ip route replace default via $GW dev $DEV table $TABLE',
    '    post-up ip rule add from $IP/32 table $TABLE priority $PRIO',
    '    pre-down ip rule del from $IP/32 table $TABLE priority $PRIO',
    'EOF',
    'fi',
    'grep -q "$IP" "$CONF" || { echo "persisted configuration $CONF does not name $IP"; exit 5; }',
  ];
}

/** The method the script printed (`persisted <method> <file>`), if any. */
export function methodFromOutput(output: string): GuestNetworkMethod | undefined {
  const m = /^persisted (netplan|networkmanager|network-scripts|ifupdown) /m.exec(output);
  return m ? (m[1] as GuestNetworkMethod) : undefined;
}
