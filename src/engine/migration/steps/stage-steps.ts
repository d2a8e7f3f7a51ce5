// Staging: the secondary ENI is created and attached (and, with --configure-guest, brought up in the guest).
// Nothing here touches the forward table; every step finds what an earlier attempt made before creating anything.
import { journalTags } from '../../../domain/cloud-journal.ts';
import { hasStatus } from '../../../domain/dnat.ts';
import { cutoverUsed } from '../../../domain/plan.ts';
import { firewallMirrorLines, firewallPersistLines } from '../../../domain/firewall-mirror.ts';
import { checkWindowsConfig, windowsConfigOf, windowsNicScript } from '../../../domain/windows-nic-config.ts';
import { StepFailure } from '../../step-errors.ts';
import { guestNicScript } from '../guest-nic-script.ts';
import { methodFromOutput } from '../guest-persist-script.ts';
import { done, ENI_CREATED, eniAttached, type StepContext, type StepHandler } from '../step-context.ts';

/**
 * The cloud journal (src/domain/cloud-journal.ts) the ENI carries from its creation on, before any destructive
 * step: the job, its thread (as the Slack layer knows it now, else the channel it was asked in) and the original
 * DNAT entry. What reconcile reads when Redis lost the job.
 */
async function journalOf(s: StepContext): Promise<Record<string, string>> {
  const plan = s.requirePlan();
  const fromFrontEnd = await s.deps.notifier.threadOf?.(s.jobId).catch(() => undefined);
  const aud = fromFrontEnd ?? (await s.deps.records.get(s.jobId))?.audience ?? {};
  const ports = s.j.options.ports;
  return journalTags({
    jobId: s.j.eniTagJobId ?? s.jobId, instanceId: s.j.instanceId,
    ...(aud.channelId ? { thread: { channelId: aud.channelId, ...(aud.threadTs ? { threadTs: aud.threadTs } : {}) } } : {}),
    cutover: cutoverUsed(s.j),
    original: plan.entryToDelete,
    newPorts: ports.kind === 'all' ? 'any' : ports.ports.join(','),
    deployment: s.deps.deployment,
  });
}

export const createEni: StepHandler = async (s) => {
  const plan = s.requirePlan();
  const label = s.stageLabel('create_eni');
  // A first try of this round has nothing to find: no lookup. The journal says so before the create goes out, so a
  // run resumed after a crash (or a lost answer) looks first, as before (the ClientToken alone would not do: the
  // journal tags may differ on a resume, and a changed request under the same token is refused).
  const firstTry = !s.j.eniId && s.j.eniCreateSent !== label;
  const existing = firstTry ? [] : (await s.ourEnis()).filter((e) => !hasStatus(e, 'Deleting'));
  let eni = existing.find((e) => e.networkInterfaceId === s.j.eniId) ?? existing[0];
  const reused = eni !== undefined;
  if (!eni) {
    s.j.eniCreateSent = label;
    const tags = { ...plan.eni.tags, ...await journalOf(s) };
    // Journaled before it goes out (writing): the mark, and the time an undo doubts a read that lists no ENI until.
    eni = await s.writing(ENI_CREATED, () => s.cloud.createNetworkInterface({
      vSwitchId: plan.eni.vSwitchId, securityGroupIds: plan.eni.securityGroupIds, name: plan.eni.name,
      description: plan.eni.description, tags, clientToken: s.token(label),
    }));
    await s.hook('create_eni', 'during');
    s.createdEni = eni;
  }
  s.j.eniId = eni.networkInterfaceId;
  s.j.eniIp = eni.privateIp;
  if (eni.macAddress) s.j.eniMac = eni.macAddress;
  s.dirty.eniId = eni.networkInterfaceId;
  return done({ eniId: eni.networkInterfaceId, privateIp: eni.privateIp, ...(reused ? { reused: true } : {}) });
};

export const attachEni: StepHandler = async (s) => {
  // Created a moment ago by this run: its answer is the state; a resumed run reads it first.
  const created = s.createdEni?.networkInterfaceId === s.j.eniId ? s.createdEni : undefined;
  s.createdEni = undefined;
  const eni = created ?? await s.getEni(s.j.eniId!);
  if (!eni) throw new StepFailure('EniMissing', { failure: 'eni_missing', eni: s.j.eniId ?? '' });
  if (eni.instanceId === s.j.instanceId && (hasStatus(eni, 'InUse') || hasStatus(eni, 'Attaching'))) {
    return done({ eniId: eni.networkInterfaceId, already: eni.status });
  }
  if (!hasStatus(eni, 'Available')) throw new StepFailure('EniBusy', { failure: 'eni_busy', eni: eni.networkInterfaceId, status: eni.status, ...(eni.instanceId ? { instance: eni.instanceId } : {}), doing: 'attach' });
  // Journaled before it goes out: a run that takes over after this one died mid-step knows the attach may be hidden.
  await s.writing(eniAttached(eni.networkInterfaceId), () => s.cloud.attachNetworkInterface({ networkInterfaceId: eni.networkInterfaceId, instanceId: s.j.instanceId }));
  await s.hook('attach_eni', 'during');
  return done({ eniId: eni.networkInterfaceId });
};

export const waitEniInUse: StepHandler = async (s) => {
  const p = s.cloud.waitNetworkInterface(s.j.eniId!, 'InUse', { ...s.waitOpts('eniAttach', eniAttached(s.j.eniId!)), instanceId: s.j.instanceId });
  await s.hook('wait_eni_in_use', 'during');
  const eni = await p;
  if (eni?.macAddress) s.j.eniMac = eni.macAddress;
  if (eni?.privateIp) s.j.eniIp = eni.privateIp;
  return done({ eniId: s.j.eniId, status: eni?.status });
};

export const configureGuest: StepHandler = async (s) => {
  const plan = s.requirePlan();
  if (!s.j.eniMac || !s.j.eniIp) {
    const eni = await s.getEni(s.j.eniId!);
    if (eni?.macAddress) s.j.eniMac = eni.macAddress;
    if (eni?.privateIp) s.j.eniIp = eni.privateIp;
  }
  if (!s.j.eniMac || !s.j.eniIp) throw new StepFailure('EniMissing', { failure: 'eni_unconfigurable', eni: s.j.eniId ?? '' });
  if (plan.guestOs === 'windows') return configureWindows(s, s.j.eniIp);
  const vsw = (await s.cloud.listVSwitches({ vpcId: plan.vpcId })).find((v) => v.vSwitchId === plan.eni.vSwitchId);
  if (!vsw) throw new StepFailure('VSwitchMissing', { failure: 'vswitch_missing', vswitch: plan.eni.vSwitchId });
  // Host-firewall rules that name the first NIC, mirrored for this one (what the plan said --configure-guest does).
  const mirrors = plan.services?.checked ? plan.services.tcp.flatMap((p) => p.mirrors) : [];
  const script = guestNicScript({ mac: s.j.eniMac, ip: s.j.eniIp, cidr: vsw.cidr, table: s.opts.guestRouteTable, firewallLines: firewallMirrorLines(mirrors), firewallPersist: firewallPersistLines(mirrors) });
  const invokeId = await s.cloud.runCommand({
    instanceId: s.j.instanceId, script, name: 'natmigrate-configure-nic', timeoutSeconds: 60, clientToken: s.token(s.stageLabel('configure_guest')),
  });
  const p = s.cloud.waitInvocation(invokeId, s.j.instanceId, s.waitOpts('runCommand'));
  await s.hook('configure_guest', 'during');
  const res = await p;
  if (!hasStatus(res, 'Success')) {
    throw new StepFailure('GuestConfigFailed', { failure: 'guest_config_failed', windows: false, status: res.status, ...(res.exitCode !== undefined ? { exitCode: res.exitCode } : {}), output: res.output.trim().slice(0, 300) || res.errorInfo || '' });
  }
  return done({ invokeId, method: methodFromOutput(res.output), output: res.output.trim().slice(0, 500) });
};

/** Windows: interface metric, the new NIC's network category or mirrored rules (windows-nic-config.ts), read back and checked. */
async function configureWindows(s: StepContext, eniIp: string) {
  const plan = s.requirePlan();
  const config = windowsConfigOf(eniIp, plan.services?.checked ? plan.services.tcp : []);
  const invokeId = await s.cloud.runCommand({
    instanceId: s.j.instanceId, script: windowsNicScript(config), type: 'RunPowerShellScript', name: 'natmigrate-configure-nic', timeoutSeconds: 60,
    clientToken: s.token(s.stageLabel('configure_guest')),
  });
  const p = s.cloud.waitInvocation(invokeId, s.j.instanceId, s.waitOpts('runCommand'));
  await s.hook('configure_guest', 'during');
  const res = await p;
  if (!hasStatus(res, 'Success')) {
    throw new StepFailure('GuestConfigFailed', { failure: 'guest_config_failed', windows: true, status: res.status, ...(res.exitCode !== undefined ? { exitCode: res.exitCode } : {}), output: res.output.trim().slice(0, 300) || res.errorInfo || '' });
  }
  const check = checkWindowsConfig(res.output, config);
  if (check.problems.length) throw new StepFailure('GuestConfigFailed', { failure: 'windows_config_missing', problems: check.problems });
  return done({
    invokeId, method: 'windows', ...(check.alias ? { interfaceAlias: check.alias } : {}), ...(check.category ? { networkCategory: check.category } : {}),
    interfaceMetric: check.metric, ...(config.mirrorPorts.length ? { mirroredPorts: config.mirrorPorts } : {}),
  });
}
