// RunPowerShellScript on a Windows guest: a small PowerShell that knows what a verification needs — fetching an
// IP-echo page with Invoke-WebRequest (its .Content) or Invoke-RestMethod, Write-Output — the networking cmdlets of
// windows-cmdlets.ts in pipelines (`| Select-Object … | ConvertTo-Json`), `$var = …` and `(…).Property`, and answers
// anything else as PowerShell does ("The term 'X' is not recognized…", exit 1). Error texts follow Windows PowerShell
// 5.1's WebException messages.
import type { InstanceState } from '../model/cloud-resources.ts';
import type { ShellRun } from '../shell/shell-interpreter.ts';
import { egressRoute } from './guest-egress.ts';
import type { GuestHost } from './guest-host.ts';
import { echoPage, IP_ECHO_HOSTS } from './ip-echo-sites.ts';
import { openGuest } from './modelled-guest.ts';
import { convertToJson, netCmdlet, selectObject, type PsValue } from './windows-cmdlets.ts';

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

type Vars = Map<string, unknown>;

/** Splits on `|` outside quotes. */
function stages(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q: string | undefined;
  for (const c of line) {
    if (q) { if (c === q) q = undefined; cur += c; continue; }
    if (c === "'" || c === '"') { q = c; cur += c; continue; }
    if (c === '|') { out.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  out.push(cur.trim());
  return out;
}

/** Objects as PowerShell's default list view prints them. */
const listView = (v: PsValue) => v.map((o) => `\n${Object.entries(o).filter(([k]) => !k.startsWith('_')).map(([k, x]) => `${k.padEnd(20)} : ${x ?? ''}`).join('\n')}\n`).join('') + (v.length ? '\n' : '');

/** A pipeline of networking cmdlets; undefined when its first cmdlet is not one of them. */
function runPipeline(host: GuestHost, inst: InstanceState, line: string, vars: Vars): { value: PsValue; text?: string } | { error: string } | undefined {
  const g = openGuest(host, inst);
  let value: PsValue = [];
  let text: string | undefined;
  for (const [k, stage] of stages(line).entries()) {
    const w = words(stage).map((x) => (/^\$\w+$/.test(x) && vars.has(x.slice(1).toLowerCase()) ? String(vars.get(x.slice(1).toLowerCase())) : x));
    const name = (w[0] ?? '').toLowerCase();
    if (k > 0 && name === 'select-object') { value = selectObject(value, w.slice(1)); continue; }
    if (k > 0 && name === 'convertto-json') { text = convertToJson(value, w.some((x) => x.toLowerCase() === '-compress')); continue; }
    const r = netCmdlet(g, w[0] ?? '', w.slice(1), value);
    if (!r) return k === 0 ? undefined : { error: `${w[0]} : The term '${w[0]}' is not recognized as the name of a cmdlet, function, script file, or operable program.` };
    if ('error' in r) return r;
    value = r.value;
  }
  return { value, ...(text !== undefined ? { text } : {}) };
}

function runLine(host: GuestHost, inst: InstanceState, line: string, vars: Vars): { out: string; ok: boolean } {
  const assign = /^\$(\w+)\s*=\s*(.+)$/.exec(line);
  const expr = assign ? assign[2]! : line;
  const prop = /^\(\s*(.+?)\s*\)\.(\w+)$/.exec(expr);
  const p = runPipeline(host, inst, prop ? prop[1]! : expr, vars);
  if (p) {
    // -ErrorAction SilentlyContinue: the error is neither shown nor stops the script.
    if ('error' in p) return /-ErrorAction\s+SilentlyContinue/i.test(line) ? { out: '', ok: true } : { out: `${p.error}\n`, ok: false };
    const val = prop ? p.value.map((o) => o[Object.keys(o).find((x) => x.toLowerCase() === prop[2]!.toLowerCase()) ?? prop[2]!]) : undefined;
    if (assign) { vars.set(assign[1]!.toLowerCase(), val ? val[0] : p.text ?? ''); return { out: '', ok: true }; }
    if (val) return { out: val.map((x) => `${x}\n`).join(''), ok: true };
    return { out: p.text !== undefined ? (p.text ? `${p.text}\n` : '') : listView(p.value), ok: true };
  }
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
  const vars: Vars = new Map();
  for (const raw of script.split(/\r?\n|;/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || /^\$ErrorActionPreference\s*=/i.test(line) || /^\$ProgressPreference\s*=/i.test(line)) continue;
    const r = runLine(host, inst, line, vars);
    output += r.out;
    if (!r.ok) return { output, exitCode: 1, sleepMs: 0 };
  }
  return { output, exitCode: 0, sleepMs: 0 };
}
