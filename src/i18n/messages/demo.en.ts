// The frame of `natmigrate demo`'s printed session (src/demo/): headings, who saw what, the result line.
import type { WorldProblem } from '../../demo/world-problem.ts';

function worldText(p: WorldProblem): string {
  switch (p.code) {
    case 'unverified': return 'the job reports migrated without a passing verification';
    case 'no_mapping': return `${p.instance} had no DNAT IP mapping in the scenario, so there was nothing to migrate`;
    case 'still_primary': return `the EIP still maps to the primary IP ${p.ip} (entry ${p.entry})`;
    case 'not_on_eni': return `${p.eip} does not map to an ENI of ${p.instance} (now: ${p.now.join(', ') || 'no entry'})`;
    case 'no_snat': return `no SNAT entry covers ${p.instance}`;
    case 'egress': return `${p.instance} egresses via ${p.egress ?? 'nothing (timeout)'}, not the SNAT IP ${p.snat}`;
    case 'rdp': return `RDP to ${p.target} via the public edge answered ${p.answered ? `'${p.answered}'` : 'nothing'}, not an X.224 Connection Confirm`;
    case 'ssh': return `SSH to ${p.target} via the public edge answered ${p.answered ? `'${p.answered}'` : 'nothing'}, expected '${p.expected}'`;
    case 'engine_egress': return `the engine observed egress ${p.observed ?? 'none'}, not the SNAT IP ${p.snat}`;
  }
}
export const en = {
  demoChannelHeading: () => '══ #ops in the simulated workspace ═══════════════════════════════════════════',
  demoThreadHeading: () => '══ the job\'s thread (times UTC; who; what) ════════════════════════════════════',
  demoSummaryHeading: () => '══ summary ═════════════════════════════════════════════════════════════════',
  demoOnlyVisible: (p: { who: string }) => `(only visible to ${p.who})`,
  demoClickedApprove: () => 'clicked [Approve] on the approval card',
  demoRepliesBelow: (p: { n: number }) => `↳ ${p.n} ${p.n === 1 ? 'reply' : 'replies'} in its thread (below)`,
  demoEdited: (p: { n: number }) => ` _(edited ${p.n}×; as it reads now)_`,
  demoPass: (p: { instance: string; secs: string; from: string; eni: string; egress: string }) =>
    `RESULT: PASS — ${p.instance} migrated and verified in ${p.secs}: ${p.from} → ${p.eni}, SSH answers via the EIP, egress ${p.egress} = SNAT IP`,
  demoPassWindows: (p: { instance: string; name: string; from: string; eni: string; egress: string }) =>
    `  and ${p.instance} (${p.name}, Windows, --configure-guest) migrated and verified: ${p.from} → ${p.eni}, RDP answers via the EIP, egress ${p.egress} = SNAT IP`,
  demoWindowsThreadHeading: () => '══ the Windows job\'s thread ══════════════════════════════════════════════════',
  sumWindows: (p: { name: string; instance: string; outcome: string; from: string; eni: string; port: number; egress: string; viaSnat: boolean }) =>
    `windows      ${p.name} ${p.instance}: ${p.outcome}; ${p.from} → ${p.eni}, RDP (${p.port}) answers via the EIP, egress ${p.egress}${p.viaSnat ? ' = SNAT IP ✔' : ''}`,
  demoFail: (p: { cause: string }) => `RESULT: FAIL — ${p.cause}`,
  demoAlso: (p: { problem: string }) => `  also: ${p.problem}`,
  /** Why the demo's instance was not migrated: the pre-flight's refusal (`message`: its English), or how the job ended. */
  demoRefused: (p: { instance: string; code: string; message: string }) => `the pre-flight refused ${p.instance}: ${p.code} — ${p.message}`,
  demoEnded: (p: { job: string; outcome: string; summary: string }) => `${p.job} ended ${p.outcome}: ${p.summary}`,
  /** What the demo found wrong in the sandbox world itself. */
  demoWorld: (p: { problem: WorldProblem }) => worldText(p.problem),
  demoWarnings: () => 'recent warnings from the system\'s logs:',
  sumInstance: (p: { id: string; name: string; ip: string }) => `instance     ${p.id} (${p.name}, ${p.ip})`,
  sumJob: (p: { job: string; decision?: string; by?: string; outcome: string }) =>
    `job          ${p.job} — requested by alice, ${p.decision ? `${p.decision} by ${p.by}` : 'no approval decision'}; outcome ${p.outcome}`,
  sumOriginal: (p: { entry: string; table: string; from: string; to: string; detail: string; how: 'deleted' | 'moved' | 'none'; requestId?: string }) =>
    `original     ${p.entry} in ${p.table}: ${p.from} → ${p.to} (${p.detail}) — saved before the change${p.how === 'deleted' ? `, deleted by RequestId ${p.requestId}` : p.how === 'moved' ? `, moved to the ENI in place by RequestId ${p.requestId}` : ''}`,
  sumOriginalUntouched: (p: { entry: string; mapping: string; ip: string }) => `original     ${p.entry} (${p.mapping} → ${p.ip}) — not touched`,
  sumNoMapping: () => 'no mapping',
  sumNow: (p: { entry: string; from: string; eniIp: string; eni: string; instance: string; requestId?: string }) =>
    `now          ${p.entry}: ${p.from} → ${p.eniIp} on ${p.eni} (secondary ENI, InUse on ${p.instance})${p.requestId ? `, RequestId ${p.requestId}` : ''}`,
  sumNowNone: (p: { from: string }) => `now          ${p.from} does not map to an ENI`,
  sumSsh: (p: { banner?: string; target: string; engineBanner?: string; attempts: number }) =>
    `SSH          ${p.banner ? `'${p.banner}'` : 'no banner'} via ${p.target} through the public edge${p.engineBanner ? ` (engine's check: '${p.engineBanner}', ${p.attempts} attempt${p.attempts === 1 ? '' : 's'})` : ''}`,
  sumEgress: (p: { engine: string; world: string; snat: string; ok: boolean }) =>
    `egress       observed ${p.engine} by the engine, ${p.world} in the world; SNAT IP ${p.snat}${p.ok ? ' ✔' : ' ✘'}`,
  sumCalls: (p: { requests: number; writes: number; actions: string }) =>
    `cloud calls  ${p.requests} API requests, ${p.writes} writes${p.actions ? ` (${p.actions})` : ''}; the job's calls are listed with their RequestIds in the thread`,
  sumTimings: (p: { setup: string; dry: string; card: string; verify: string; total: string }) =>
    `timings      set-up ${p.setup} · dry run ${p.dry} · run → approval card ${p.card} · approve → verified ${p.verify} · total ${p.total}`,
};
