// curl inside the guest: the metadata service, the IP-echo sites (the page shows the egress IP the cloud gives the
// connection), and curl's exit codes and messages for what fails (no route, timeout, no DNS, HTTP errors with -f).
import { cidrContains, isIp } from '../ip.ts';
import { fail, ok, type Command, type ExecResult } from '../shell/shell-runtime.ts';
import { egressRoute } from './guest-egress.ts';
import type { GuestSession } from './guest-sync.ts';
import { echoPage, IP_ECHO_HOSTS } from './ip-echo-sites.ts';
import { METADATA_HOST, metadataPage } from './metadata-service.ts';

export function curlCommand(g: GuestSession): Command {
  return (args, _stdin, sh) => {
    const flags = new Set<string>();
    const urls: string[] = [];
    let outFile: string | undefined;
    let writeOut: string | undefined;
    let maxTime: number | undefined;
    let iface: string | undefined;
    const valueShort = 'mowHAXdueExbcTrCK';
    const valueLong = new Set(['--max-time', '--connect-timeout', '--output', '--write-out', '--header', '--user-agent', '--request', '--data', '--data-raw',
      '--data-binary', '--retry', '--retry-delay', '--retry-max-time', '--user', '--referer', '--proxy', '--interface', '--cookie', '--cookie-jar',
      '--resolve', '--upload-file', '--cacert', '--cert', '--key', '--config', '--dns-servers', '--max-filesize', '--limit-rate', '--range', '--continue-at']);
    for (let k = 0; k < args.length; k++) {
      const a = args[k]!;
      if (a.startsWith('--')) {
        const [name, inline] = a.split('=', 2) as [string, string | undefined];
        if (valueLong.has(name)) {
          const v = inline ?? args[++k] ?? '';
          if (name === '--max-time' || name === '--connect-timeout') maxTime = Math.min(maxTime ?? Infinity, Number(v));
          if (name === '--output') outFile = v;
          if (name === '--write-out') writeOut = v;
          if (name === '--interface') iface = v;
          continue;
        }
        flags.add(name);
        continue;
      }
      if (a.startsWith('-') && a.length > 1) {
        for (let j = 1; j < a.length; j++) {
          const f = a[j]!;
          if (valueShort.includes(f)) {
            const v = a.slice(j + 1) || args[++k] || '';
            if (f === 'm') maxTime = Math.min(maxTime ?? Infinity, Number(v));
            if (f === 'o') outFile = v;
            if (f === 'w') writeOut = v;
            break;
          }
          flags.add(`-${f}`);
        }
        continue;
      }
      urls.push(a);
    }
    const silent = flags.has('-s') || flags.has('--silent');
    const showError = flags.has('-S') || flags.has('--show-error');
    const failOnHttp = flags.has('-f') || flags.has('--fail');
    const error = (code: number, msg: string): ExecResult => ({ stdout: '', stderr: silent && !showError ? '' : `curl: (${code}) ${msg}\n`, code });
    if (!urls.length) return fail("curl: try 'curl --help' or 'curl --manual' for more information\n", 2);
    let stdout = '';
    let last: ExecResult = ok();
    for (const raw of urls) {
      let url: URL;
      try { url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`); } catch { return error(3, 'URL rejected: Malformed input to a URL function'); }
      const host = url.hostname;
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      let result: { status: number; body: string };
      if (host === METADATA_HOST) {
        result = metadataPage(g, url.pathname);
      } else {
        const route = egressRoute(g, iface);
        if ('error' in route) return error(route.error === 'iface' ? 45 : 7, route.error === 'iface' ? `Failed binding local connection end` : `Failed to connect to ${host} port ${port} after 0 ms: Couldn't connect to server`);
        const isEcho = IP_ECHO_HOSTS.includes(host);
        if (isIp(host) && (cidrContains('127.0.0.0/8', host) || cidrContains(g.host.vpcs.get(g.inst.vpcId)?.cidr ?? '0.0.0.0/32', host))) {
          return error(7, `Failed to connect to ${host} port ${port} after 0 ms: Couldn't connect to server`);
        }
        const out = g.host.cloudEgress(g.inst, route.src, route.eni);
        if (!out) {
          return maxTime !== undefined && Number.isFinite(maxTime)
            ? error(28, `Connection timed out after ${Math.round(maxTime * 1000) + 1} milliseconds`)
            : error(28, `Failed to connect to ${host} port ${port} after 130000 ms: Connection timed out`);
        }
        if (!isEcho) return error(6, `Could not resolve host: ${host}`);
        result = { status: 200, body: echoPage(host, url.pathname, out.ip, g.host.regionId) };
      }
      if (result.status >= 400 && failOnHttp) return { ...error(22, `The requested URL returned error: ${result.status}`), stdout };
      if (outFile && outFile !== '/dev/null') sh.fs.write(outFile, result.body, false);
      else if (!outFile) stdout += result.body;
      if (writeOut) stdout += writeOut.replace(/%\{http_code\}/g, String(result.status)).replace(/\\n/g, '\n');
      last = ok();
    }
    return { stdout, stderr: '', code: last.code };
  };
}
