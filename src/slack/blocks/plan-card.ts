import { guestConfigText } from '../../domain/guest-network.ts';
import type { Plan, Refusal } from '../../domain/plan-types.ts';
import type { Lang } from '../../i18n/lang.ts';
import { msg } from '../../i18n/catalog.ts';
import { code, codeBlock, context, dnatEntryText, esc, escCut, header, mention, restoreRecipeText, section, when, type Block, type SlackMessage } from './format.ts';
import { fitMessage } from './fit.ts';
import { servicesBlock } from './services-text.ts';

/** The pre-flight plan: exactly what will change, what recreates the old state, and what egress to expect. */

function portsText(plan: Plan, lang: Lang): string {
  const m = msg(lang);
  return plan.options.ports.kind === 'all' ? m.portsAll() : m.portsList({ ports: plan.options.ports.ports.join(', ') });
}

/** How the cutover moves the mapping, in the words the plan and the approval card use. */
export function cutoverText(plan: Plan, lang: Lang = 'en'): string {
  return plan.cutover === 'modify' ? msg(lang).cutoverModify() : msg(lang).cutoverRecreate();
}

/** The plan's body blocks (shared by the plan card and the approval card). */
export function planBlocks(plan: Plan, lang: Lang = 'en'): Block[] {
  const m = msg(lang);
  const inPlace = plan.cutover === 'modify';
  const blocks: Block[] = [
    section(m.planCutover({ how: cutoverText(plan, lang) })),
    section(m.planEntry({ inPlace, entry: dnatEntryText(plan.entryToDelete, lang) })),
    section(m.planRecipe({ inPlace, recipe: codeBlock(restoreRecipeText(plan.restoreRecipe)) })),
    section(
      `${m.planNewEni({ vsw: code(plan.eni.vSwitchId), zone: code(plan.eni.zoneId), sgs: plan.eni.securityGroupIds.map((s) => code(s)).join(', ') || '—' })}\n` +
        `${m.planNewEntries({ inPlace, count: plan.newEntries.length, ports: esc(portsText(plan, lang)) })}\n` +
        plan.newEntries
          .map((n) => m.planNewEntryLine({ external: code(`${n.externalIp}:${n.externalPort}`), internal: code(`${m.newEniPrivateIp()}:${n.internalPort}`), protocol: code(n.ipProtocol), table: code(n.forwardTableId) }))
          .join('\n'),
    ),
    section(m.planEgress({ count: plan.expectedEgressIps.length, ips: plan.expectedEgressIps.map((ip) => code(ip)).join(', ') || '—' })),
  ];
  if (plan.options.configureGuest) blocks.push(section(m.planGuest({ text: escCut(m.guestConfig({ probe: plan.guestNetwork }), 400) })));
  const services = servicesBlock(plan, lang);
  if (services) blocks.push(services);
  if (plan.warnings.length) blocks.push(section(m.planWarnings({ list: plan.warnings.map((w) => `• ${escCut(m.planWarning({ w }), 500)}`).join('\n') })));
  blocks.push(
    context([
      m.instanceRef({ id: code(plan.instanceId), ...(plan.instanceName && plan.instanceName !== plan.instanceId ? { name: escCut(plan.instanceName, 200) } : {}) }),
      m.primaryIpRef({ ip: code(plan.primaryIp) }),
      m.vpcRef({ id: code(plan.vpcId) }),
      m.natGatewayRef({ id: code(plan.natGatewayId) }),
      m.regionRef({ id: code(plan.regionId) }),
      m.planHashRef({ hash: code(plan.hash.slice(0, 12)) }),
    ]),
  );
  return blocks;
}

export function planCard(plan: Plan, opts: { jobId: string; requestedBy?: string; at?: string; dryRun?: boolean }, lang: Lang = 'en'): SlackMessage {
  const m = msg(lang);
  const title = m.planTitle({ dryRun: Boolean(opts.dryRun), instance: plan.instanceId });
  const e = plan.entryToDelete;
  return fitMessage({
    text: esc(m.planText({ title, entry: e.forwardEntryId, from: e.externalIp, to: e.internalIp, egress: plan.expectedEgressIps.join(', ') })),
    blocks: [
      header(`📋 ${title}`),
      ...planBlocks(plan, lang),
      context([
        `${m.jobRef({ id: code(opts.jobId) })}${opts.requestedBy ? ` · ${m.requestedByRef({ who: mention(opts.requestedBy) })}` : ''}`,
        opts.at ? when(opts.at, lang) : '', opts.dryRun ? m.nothingChanged() : '',
      ]),
    ],
  });
}

/** A refusal in the reader's words from its code and `details.problem` ('' where the language keeps the engine's sentence). Plain text. */
export function refusalExplanation(r: { code: string; details?: Record<string, unknown> }, lang: Lang): string {
  const problem = r.details?.['problem'];
  return msg(lang).refusalExplain({ code: r.code, ...(typeof problem === 'string' ? { problem } : {}) });
}

export function refusalCard(refusal: Refusal, opts: { jobId: string; instanceId?: string; requestedBy?: string; at?: string; dryRun?: boolean }, lang: Lang = 'en'): SlackMessage {
  const m = msg(lang);
  const target = opts.instanceId ?? '';
  const details = refusal.details && Object.keys(refusal.details).length ? `\n${codeBlock(JSON.stringify(refusal.details, null, 1), 1500)}` : '';
  // A language that explains the code says it in its own words; the facts follow as data (the details block).
  const explain = refusalExplanation(refusal, lang);
  return fitMessage({
    text: esc(m.refusedText({ target, code: refusal.code, message: explain || refusal.message })),
    blocks: [
      section(`${m.refusedHead({ target: esc(target), code: code(refusal.code), message: escCut(refusal.message, 1200), explain: esc(explain) })}${details}`),
      context([m.jobRef({ id: code(opts.jobId) }), opts.requestedBy ? m.requestedByRef({ who: mention(opts.requestedBy) }) : '', opts.at ? when(opts.at, lang) : '', m.nothingChanged()]),
    ],
  });
}
