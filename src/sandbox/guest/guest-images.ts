// The images a modelled guest can run, and the network stack each one configures its NICs with at boot:
// - Alibaba Cloud Linux 3: NetworkManager, which reads keyfiles (/etc/NetworkManager/system-connections/*.nmconnection)
//   and, through its ifcfg-rh plugin, network-scripts files (Alibaba's "Configure a secondary ENI" guide for Alibaba
//   Cloud Linux 3 edits ifcfg files and restarts NetworkManager);
// - Alibaba Cloud Linux 2 and CentOS 7: the legacy `network` service of initscripts (ifcfg-, route-, rule- files in
//   /etc/sysconfig/network-scripts; "ifup-routes" reads route-<dev> and rule-<dev>: initscripts' sysconfig.txt);
// - Ubuntu 22.04: netplan (/etc/netplan/*.yaml, with `routes` and `routing-policy`: netplan.io/reference);
// - Debian 12: ifupdown (/etc/network/interfaces, which sources /etc/network/interfaces.d/*: interfaces(5)).
// - Windows Server 2022: DHCP on every NIC; only PowerShell / batch through Cloud Assistant (guest/powershell.ts).
// Which service is active on which Alibaba image is from the guides above; the exact default files are unconfirmed.

export type GuestImage = 'alinux3' | 'alinux2' | 'centos7' | 'ubuntu2204' | 'debian12' | 'windows2022';
export type NetworkStack = 'networkmanager' | 'network-scripts' | 'netplan' | 'ifupdown' | 'windows';

interface ImageInfo {
  /** OSType as DescribeInstances answers it. */
  osType: 'linux' | 'windows';
  stack: NetworkStack;
  osName: string;
  imageId: string;
  osRelease: string;
  /** Services `systemctl is-active` reports active (the rest: inactive). */
  services: string[];
  /** Files the image ships (the primary NIC's own configuration is left out: the model brings eth0 up itself). */
  files: Record<string, string>;
}

const osRelease = (name: string, version: string, id: string, versionId: string, pretty: string) =>
  `NAME="${name}"\nVERSION="${version}"\nID="${id}"\nVERSION_ID="${versionId}"\nPRETTY_NAME="${pretty}"\n`;

export const IMAGES: Record<GuestImage, ImageInfo> = {
  alinux3: {
    osType: 'linux', stack: 'networkmanager', osName: 'Alibaba Cloud Linux  3.2104 LTS 64位', imageId: 'aliyun_3_x64_20G_alibase_20240528.vhd',
    osRelease: osRelease('Alibaba Cloud Linux', '3 (Soaring Falcon)', 'alinux', '3', 'Alibaba Cloud Linux 3 (Soaring Falcon)'),
    services: ['NetworkManager', 'sshd', 'aliyun'],
    files: {
      '/etc/NetworkManager/NetworkManager.conf': '[main]\nplugins = ifcfg-rh,keyfile\n',
      '/etc/sysconfig/network-scripts/ifcfg-eth0': 'DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n',
    },
  },
  alinux2: {
    osType: 'linux', stack: 'network-scripts', osName: 'Alibaba Cloud Linux  2.1903 LTS 64位', imageId: 'aliyun_2_1903_x64_20G_alibase_20240628.vhd',
    osRelease: osRelease('Alibaba Cloud Linux (Aliyun Linux)', '2.1903 LTS (Hunting Beagle)', 'alinux', '2.1903', 'Alibaba Cloud Linux (Aliyun Linux) 2.1903 LTS (Hunting Beagle)'),
    services: ['network', 'sshd', 'aliyun'],
    files: { '/etc/sysconfig/network-scripts/ifcfg-eth0': 'DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n' },
  },
  centos7: {
    osType: 'linux', stack: 'network-scripts', osName: 'CentOS  7.9 64位', imageId: 'centos_7_9_x64_20G_alibase_20240628.vhd',
    osRelease: osRelease('CentOS Linux', '7 (Core)', 'centos', '7', 'CentOS Linux 7 (Core)'),
    services: ['network', 'sshd', 'aliyun'],
    files: { '/etc/sysconfig/network-scripts/ifcfg-eth0': 'DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n' },
  },
  ubuntu2204: {
    osType: 'linux', stack: 'netplan', osName: 'Ubuntu  22.04 64位', imageId: 'ubuntu_22_04_x64_20G_alibase_20240710.vhd',
    osRelease: osRelease('Ubuntu', '22.04.4 LTS (Jammy Jellyfish)', 'ubuntu', '22.04', 'Ubuntu 22.04.4 LTS'),
    services: ['systemd-networkd', 'ssh', 'aliyun'],
    files: { '/etc/netplan/50-cloud-init.yaml': 'network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n' },
  },
  debian12: {
    osType: 'linux', stack: 'ifupdown', osName: 'Debian  12.6 64位', imageId: 'debian_12_6_x64_20G_alibase_20240711.vhd',
    osRelease: osRelease('Debian GNU/Linux', '12 (bookworm)', 'debian', '12', 'Debian GNU/Linux 12 (bookworm)'),
    services: ['networking', 'ssh', 'aliyun'],
    files: { '/etc/network/interfaces': 'source /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n' },
  },
  // Windows brings every NIC up by DHCP and sends with the strong host model (a reply from an address leaves through
  // the interface that has it), so a secondary ENI answers without configuration (unconfirmed for Alibaba's images).
  windows2022: {
    osType: 'windows', stack: 'windows', osName: 'Windows Server  2022 数据中心版 64位中文版', imageId: 'win2022_21H2_x64_dtc_zh-cn_40G_alibase_20240716.vhd',
    osRelease: '', services: ['TermService', 'AliyunService'], files: {},
  },
};

export const DEFAULT_IMAGE: GuestImage = 'alinux3';
export const imageOf = (image: GuestImage | undefined): ImageInfo => IMAGES[image ?? DEFAULT_IMAGE];
