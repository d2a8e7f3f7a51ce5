// The frame of `natmigrate demo`'s printed session (src/demo/): headings, who saw what, the result line.
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
