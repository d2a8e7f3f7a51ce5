// Verification, as a person would check by hand: an SSH banner read through the EIP and the egress IP the instance
// sees. After a migration the egress must be a SNAT IP; after a rollback, the EIP again.
import type { EgressEvidence, PortEvidence, SshEvidence } from '../../../domain/events.ts';
import type { StepName } from '../../../domain/steps.ts';
import { checkEgress, checkSsh, type ProbeMode } from '../verification-probes.ts';
import { afterPorts, lostPorts, PORT_PROBE_TIMEOUT_MS } from '../port-probes.ts';
import { iso, type StepContext, type StepHandler } from '../step-context.ts';
import { noteReason } from '../summary.ts';
import type { VerifyProblems } from '../../../domain/job-text.ts';

interface Checks {
  eip: string;
  sshPort: number;
  /** Why the SSH check is not run (the new entries do not forward its port). */
  skipSsh?: string;
  expectedIps: string[];
  tokenLabel: string;
  step: StepName;
  /** The service ports' baseline: each that answered before must answer again. */
  baseline?: PortEvidence[];
  /** A Windows guest: RDP instead of SSH, PowerShell for the egress fetch. */
  windows?: boolean;
}

/** SSH on 22, RDP on 3389 of a Windows guest, else (--verify-port) a TCP check. */
function probeModeFor(port: number, windows: boolean): ProbeMode {
  if (port === 22) return 'ssh';
  return windows && port === 3389 ? 'rdp' : 'tcp';
}

async function runChecks(s: StepContext, c: Checks): Promise<{ ssh: SshEvidence; egress: EgressEvidence; ports?: PortEvidence[]; ok: boolean; problems: VerifyProblems }> {
  const o = s.opts;
  const [ssh, egress, ports] = await Promise.all([
    c.skipSsh
      ? Promise.resolve<SshEvidence>({ ok: true, host: c.eip, port: c.sshPort, attempts: 0, skipped: c.skipSsh })
      : checkSsh({ ip: c.eip, port: c.sshPort, edge: o.publicEdge, windowMs: o.verifyTimeoutMs, intervalMs: o.verifyIntervalMs, signal: s.signal, mode: probeModeFor(c.sshPort, c.windows === true) }),
    checkEgress(s.cloud, {
      instanceId: s.j.instanceId, url: o.egressUrl, expectedIps: c.expectedIps, windowMs: o.verifyTimeoutMs, intervalMs: o.verifyIntervalMs,
      tokenFor: (n) => s.token(`${c.tokenLabel}-${n}`), signal: s.signal, ...s.expect('runCommand'), windows: c.windows === true,
    }),
    c.baseline?.length
      ? afterPorts(c.eip, c.baseline, { edge: o.publicEdge, timeoutMs: PORT_PROBE_TIMEOUT_MS, windowMs: o.verifyTimeoutMs, intervalMs: o.verifyIntervalMs, signal: s.signal })
      : Promise.resolve(undefined),
    s.hook(c.step, 'during'),
  ]);
  const lost = ports ? lostPorts(ports) : [];
  const ok = ssh.ok && egress.ok && lost.length === 0;
  s.dirty.verification = { ssh, egress, ok, at: iso(), ...(ports ? { ports } : {}) };
  await s.emit({ type: 'verified', ssh, egress, ok, ...(ports ? { ports } : {}) });
  const problems: VerifyProblems = {
    ...(ssh.ok ? {} : { ssh: ssh.error ?? '' }), ...(egress.ok ? {} : { egress: egress.error ?? '' }),
    ...(lost.length ? { lostPorts: lost.map((p) => p.port) } : {}),
  };
  return { ssh, egress, ...(ports ? { ports } : {}), ok, problems };
}

export const verify: StepHandler = async (s) => {
  const plan = s.requirePlan();
  const r = await runChecks(s, {
    eip: plan.entryToDelete.externalIp, sshPort: plan.sshPort, expectedIps: plan.expectedEgressIps, tokenLabel: 'verify-egress', step: 'verify',
    ...(s.j.portBaseline ? { baseline: s.j.portBaseline } : {}),
    windows: plan.guestOs === 'windows',
    ...(plan.skipSshVerify ? { skipSsh: `the new entries do not forward port ${plan.sshPort}` } : {}),
  });
  const detail = { ok: r.ok, banner: r.ssh.banner, observedIp: r.egress.observedIp, invokeId: r.egress.invokeId };
  if (r.ok) return { outcome: 'verified', detail };
  noteReason(s.j, { code: 'verify_failed', problems: r.problems, autoRollbackOff: !s.opts.autoRollback });
  return { outcome: 'not_verified', detail };
};

export const verifyOriginal: StepHandler = async (s) => {
  const eip = s.j.original!.restoreRecipe.externalIp;
  const windows = s.j.plan?.guestOs === 'windows';
  const r = await runChecks(s, { eip, sshPort: s.j.plan?.sshPort ?? 22, expectedIps: [eip], tokenLabel: 'verify-original', step: 'verify_original', windows });
  if (!r.ok) noteReason(s.j, { code: 'original_unverified', problems: r.problems });
  return { outcome: r.ok ? 'verified' : 'not_verified', detail: { ok: r.ok, banner: r.ssh.banner, observedIp: r.egress.observedIp } };
};
