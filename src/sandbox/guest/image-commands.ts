// Commands whose answer depends on the guest's image: `systemctl is-active <unit>` (active on the image's own network
// service, else "inactive" with exit 3, as systemctl(1) documents), and `netplan generate|apply`, which check the
// netplan files the way the boot does and fail with its error (exit 1). Runtime state is changed by `ip` only.
import { fail, ok, type Command } from '../shell/shell-runtime.ts';
import { bootNetworkPlan } from './boot-network.ts';
import { imageOf } from './guest-images.ts';
import type { GuestSession } from './guest-sync.ts';

export function imageCommands(g: GuestSession): Record<string, Command> {
  const image = () => imageOf(g.inst.guest.image);
  return {
    systemctl: (a) => {
      if (a[0] !== 'is-active') return ok();
      const unit = (a.slice(1).find((x) => !x.startsWith('-')) ?? '').replace(/\.service$/, '');
      return image().services.includes(unit) ? ok(a.includes('--quiet') || a.includes('-q') ? '' : 'active\n') : fail(a.includes('--quiet') || a.includes('-q') ? '' : 'inactive\n', 3);
    },
    netplan: (a, _stdin, sh) => {
      if (image().stack !== 'netplan') return fail('bash: netplan: command not found\n', 127);
      if (a[0] !== 'generate' && a[0] !== 'apply' && a[0] !== 'get') return fail(`netplan: error: invalid choice: '${a[0] ?? ''}'\n`, 2);
      const files = new Map<string, string>();
      for (const name of sh.fs.list('/etc/netplan') ?? []) { const c = sh.fs.read(`/etc/netplan/${name}`); if (c !== undefined) files.set(`/etc/netplan/${name}`, c); }
      const plan = bootNetworkPlan(g.inst.guest.image, files, g.nics().map((n) => ({ dev: n.dev, mac: n.mac, primary: n.eni.type === 'Primary' })));
      const broken = plan.log.find((l) => l.includes('no netplan configuration applied'));
      return broken ? fail(`${broken.replace(/^netplan: /, '').replace(/; no netplan configuration applied$/, '')}\n`, 1) : ok();
    },
  };
}
