import { guestConfigText } from '../../domain/guest-network.ts';
import type { Plan, Refusal } from '../../domain/plan-types.ts';
import { code, codeBlock, context, dnatEntryText, esc, escCut, header, mention, restoreRecipeText, section, when, type Block, type SlackMessage } from './format.ts';
import { fitMessage } from './fit.ts';
import { servicesBlock } from './services-text.ts';

/** The pre-flight plan: exactly what will change, what recreates the old state, and what egress to expect. */

function portsText(plan: Plan): string {
  return plan.options.ports.kind === 'all' ? 'all ports (IP mapping)' : `TCP ${plan.options.ports.ports.join(', ')}`;
}

/** The plan's body blocks (shared by the plan card and the approval card). */
/** How the cutover moves the mapping, in the words the plan and the approval card use. */
export function cutoverText(plan: Plan): string {
  return plan.cutover === 'modify'
    ? 'modify the entry in place (one ModifyForwardEntry; the public IP stays mapped throughout; falls back to delete and re-create if the API refuses)'
    : 'delete and re-create (the public IP maps to nothing between the delete and the new entry)';
}

export function planBlocks(plan: Plan): Block[] {
  const inPlace = plan.cutover === 'modify';
  const blocks: Block[] = [
    section(`*Cutover*: ${cutoverText(plan)}`),
    section(`*DNAT entry to ${inPlace ? 'move to the new ENI' : 'delete'}*\n${dnatEntryText(plan.entryToDelete)}`),
    section(`*Restore recipe* (${inPlace ? 'the entry is moved back to it' : 'recreates it exactly'})\n${codeBlock(restoreRecipeText(plan.restoreRecipe))}`),
    section(
      `*New ENI* in vSwitch ${code(plan.eni.vSwitchId)} (${code(plan.eni.zoneId)}), security groups ${plan.eni.securityGroupIds.map((s) => code(s)).join(', ') || '—'}\n` +
        `*${inPlace ? 'The entry afterwards' : `New DNAT ${plan.newEntries.length === 1 ? 'entry' : 'entries'}`}* (${esc(portsText(plan))}):\n` +
        plan.newEntries
          .map((n) => `• ${code(`${n.externalIp}:${n.externalPort}`)} → ${code(`<new ENI private IP>:${n.internalPort}`)} protocol ${code(n.ipProtocol)} in ${code(n.forwardTableId)}`)
          .join('\n'),
    ),
    section(`*Expected egress IP${plan.expectedEgressIps.length === 1 ? '' : 's'}* (SNAT): ${plan.expectedEgressIps.map((ip) => code(ip)).join(', ') || '—'}`),
  ];
  if (plan.options.configureGuest) blocks.push(section(`*Guest NIC configuration* (--configure-guest): ${escCut(guestConfigText(plan.guestNetwork), 400)}`));
  const services = servicesBlock(plan);
  if (services) blocks.push(services);
  if (plan.warnings.length) blocks.push(section(`:warning: *Warnings*\n${plan.warnings.map((w) => `• ${escCut(w, 500)}`).join('\n')}`));
  blocks.push(
    context([
      `instance ${code(plan.instanceId)}${plan.instanceName && plan.instanceName !== plan.instanceId ? ` (${escCut(plan.instanceName, 200)})` : ''}`,
      `primary IP ${code(plan.primaryIp)}`,
      `VPC ${code(plan.vpcId)}`,
      `NAT gateway ${code(plan.natGatewayId)}`,
      `region ${code(plan.regionId)}`,
      `plan hash ${code(plan.hash.slice(0, 12))}`,
    ]),
  );
  return blocks;
}

export function planCard(plan: Plan, opts: { jobId: string; requestedBy?: string; at?: string; dryRun?: boolean }): SlackMessage {
  const title = opts.dryRun ? `Dry run: plan for ${plan.instanceId}` : `Plan for ${plan.instanceId}`;
  const by = opts.requestedBy ? ` · requested by ${mention(opts.requestedBy)}` : '';
  const e = plan.entryToDelete;
  return fitMessage({
    text: esc(`${title}: delete ${e.forwardEntryId} (${e.externalIp} → ${e.internalIp}), expected egress ${plan.expectedEgressIps.join(', ')}`),
    blocks: [
      header(`📋 ${title}`),
      ...planBlocks(plan),
      context([`job ${code(opts.jobId)}${by}`, opts.at ? when(opts.at) : '', opts.dryRun ? 'nothing was changed' : '']),
    ],
  });
}

export function refusalCard(refusal: Refusal, opts: { jobId: string; instanceId?: string; requestedBy?: string; at?: string; dryRun?: boolean }): SlackMessage {
  const target = opts.instanceId ? ` ${opts.instanceId}` : '';
  const details = refusal.details && Object.keys(refusal.details).length ? `\n${codeBlock(JSON.stringify(refusal.details, null, 1), 1500)}` : '';
  return fitMessage({
    text: esc(`Refused${target}: ${refusal.code}: ${refusal.message}`),
    blocks: [
      section(`:no_entry: *Pre-flight refused${esc(target)}* — ${code(refusal.code)}\n${escCut(refusal.message, 1200)}${details}`),
      context([`job ${code(opts.jobId)}`, opts.requestedBy ? `requested by ${mention(opts.requestedBy)}` : '', opts.at ? when(opts.at) : '', 'nothing was changed']),
    ],
  });
}
