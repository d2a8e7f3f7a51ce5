// At boot, the image's network stack applies what it has on disk (guest-images.ts says which stack an image runs;
// Alibaba Cloud Linux 3's NetworkManager reads both its keyfiles and ifcfg files through the ifcfg-rh plugin).
import type { BootNic, BootPlan, Files } from './boot-nic.ts';
import { imageOf, type GuestImage } from './guest-images.ts';
import { ifupdownBoot } from './stack-ifupdown.ts';
import { netplanBoot } from './stack-netplan.ts';
import { networkManagerBoot } from './stack-networkmanager.ts';
import { networkScriptsBoot } from './stack-network-scripts.ts';

export const BOOT_LOG = '/var/log/boot-network.log';

export function bootNetworkPlan(image: GuestImage | undefined, files: Files, nics: BootNic[]): BootPlan {
  const plan: BootPlan = { lines: [], log: [] };
  switch (imageOf(image).stack) {
    case 'networkmanager': networkScriptsBoot(files, nics, plan); networkManagerBoot(files, nics, plan); break;
    case 'network-scripts': networkScriptsBoot(files, nics, plan); break;
    case 'netplan': netplanBoot(files, nics, plan); break;
    case 'ifupdown': ifupdownBoot(files, nics, plan); break;
    case 'windows': break; // DHCP brings the NICs up (guest-sync.ts)
  }
  return plan;
}
