// RunPowerShellScript on a Windows guest: a small PowerShell that knows what a verification needs — fetching an
// IP-echo page with Invoke-WebRequest (its .Content) or Invoke-RestMethod, Write-Output — and answers anything else
// as PowerShell does ("The term 'X' is not recognized…", exit 1). Error texts follow Windows PowerShell 5.1's
// WebException messages.
import type { InstanceState } from '../model/cloud-resources.ts';
import type { ShellRun } from '../shell/shell-interpreter.ts';
import { egressRoute } from './guest-egress.ts';
import type { GuestHost } from './guest-host.ts';
import { echoPage, IP_ECHO_HOSTS } from './ip-echo-sites.ts';
import { openGuest } from './modelled-guest.ts';

/** Splits a PowerShell command line into words, keeping quoted strings whole (quotes removed). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'((?:[^']|'')*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2] ?? m[3]!);
  return out;
}

/** The page an HTTP GET from the guest gets, or the exception PowerShell throws. */
function fetchPage(host: GuestHost, inst: InstanceState, raw: string, cmdlet: string): { body: string } | { error: string } {
  let url: URL;
  try { url = new URL(raw); } catch { return { error: `${cmdlet} : Invalid URI: The format of the URI could not be determined.` }; }
  const g = openGuest(host, inst);
  g.nics();
  const route = egressRoute(g);
  if ('error' in route) return { error: `${cmdlet} : Unable to connect to the remote server` };
  const out = host.cloudEgress(inst, route.src, route.eni);
  if (!out) return { error: `${cmdlet} : The operation has timed out.` };
  if (!IP_ECHO_HOSTS.includes(url.hostname)) return { error: `${cmdlet} : The remote name could not be resolved: '${url.hostname}'` };
  return { body: echoPage(url.hostname, url.pathname, out.ip, host.regionId) };
}

function runLine(host: GuestHost, inst: InstanceState, line: string): { out: string; ok: boolean } {
  const content = /^\(\s*(.+?)\s*\)\.Content$/i.exec(line);
  const cmd = content ? content[1]! : line;
  const w = words(cmd);
  const name = (w[0] ?? '').toLowerCase();
  if (name === 'write-output' || name === 'echo' || name === 'write-host') return { out: `${w.slice(1).join(' ')}\n`, ok: true };
  if (name === 'invoke-webrequest' || name === 'iwr' || name === 'invoke-restmethod' || name === 'irm') {
    const args = w.slice(1);
    const named = (flag: string) => { const k = args.findIndex((a) => a.toLowerCase() === flag); return k >= 0 ? args[k + 1] : undefined; };
    const uri = named('-uri') ?? args.find((a, k) => !a.startsWith('-') && !['-timeoutsec', '-method'].includes((args[k - 1] ?? '').toLowerCase()));
    if (!uri) return { out: `${w[0]} : Cannot validate argument on parameter 'Uri'. The argument is null or empty.\n`, ok: false };
    const r = fetchPage(host, inst, uri, w[0]!);
    if ('error' in r) return { out: `${r.error}\n`, ok: false };
    // Invoke-WebRequest without .Content prints the response object; with it, the body as is.
    if (name.startsWith('invoke-web') || name === 'iwr') return { out: content ? r.body : `\nStatusCode        : 200\nStatusDescription : OK\nContent           : ${r.body.trim()}\n`, ok: true };
    return { out: r.body, ok: true };
  }
  return { out: `${w[0]} : The term '${w[0]}' is not recognized as the name of a cmdlet, function, script file, or operable program.\n`, ok: false };
}

/** Runs a script line by line; the first error ends it with exit code 1, as `$ErrorActionPreference = 'Stop'` would. */
export function runPowerShellScript(host: GuestHost, inst: InstanceState, script: string): ShellRun {
  let output = '';
  for (const raw of script.split(/\r?\n|;/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || /^\$ErrorActionPreference\s*=/i.test(line) || /^\$ProgressPreference\s*=/i.test(line)) continue;
    const r = runLine(host, inst, line);
    output += r.out;
    if (!r.ok) return { output, exitCode: 1, sleepMs: 0 };
  }
  return { output, exitCode: 0, sleepMs: 0 };
}
