import { encodeApprovalValue } from '../../domain/approval-button.ts';
import { msg } from '../../i18n/catalog.ts';
import type { Lang } from '../../i18n/lang.ts';
import { formatDateTime } from '../../i18n/time.ts';
import { context, divider, header, LIMITS, section, type Block } from '../blocks/format.ts';
import { codeWithin, truncate } from '../mrkdwn.ts';
import type { HomeData, Subject } from './home-data.ts';

/**
 * The App Home view of one person (views.publish, https://docs.slack.dev/surfaces/app-home): what waits for their
 * approval, each with Approve and Reject buttons (decided by the same rule as the thread's card), what runs, the
 * last jobs that ended and, per NAT gateway, how many instances still egress through a DNAT IP mapping. A view holds
 * at most 100 blocks and a section 3,000 characters: lists are cut with "…and N more".
 */

export const HOME_APPROVE_ACTION = 'natmigrate_home_approve';
export const HOME_REJECT_ACTION = 'natmigrate_home_reject';
/** The nonce of a Home button: the click is bound to the job and plan hash, the place is the person's own Home. */
export const HOME_NONCE = 'home';
const MAX_WAITING = 15;
const SECTION_MAX = 2900;

/**
 * A value as inline code, for a line no longer than a section: the same text as `code` wherever a section or the
 * list's cut can show it, without escaping the rest of a value far longer than any section (a cloud can hold one).
 */
const code = (s: string) => codeWithin(s, LIMITS.sectionText);

function subjectText(s: Subject, lang: Lang): string {
  return s.kind === 'instance' ? code(s.instanceId) : msg(lang).homeBatchSubject({ count: s.count });
}

const userRef = (id: string) => (/^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : code(id));
const channelRef = (id: string | undefined) => (id && /^[CGD][A-Z0-9]+$/.test(id) ? `<#${id}>` : '–');

/** Lines joined into one section, cut at a line with "…and N more". */
function listSection(lines: string[], lang: Lang): Block {
  let text = '';
  for (let i = 0; i < lines.length; i++) {
    const next = text ? `${text}\n${lines[i]}` : lines[i]!;
    if (next.length > SECTION_MAX - 40) return section(`${text}\n${msg(lang).homeMore({ count: lines.length - i })}`);
    text = next;
  }
  return section(text);
}

export function buildHomeView(data: HomeData, lang: Lang, now: Date, notice?: string): { type: 'home'; blocks: Block[] } {
  const m = msg(lang);
  const at = (iso: string) => formatDateTime(Date.parse(iso), lang);
  const blocks: Block[] = [header(m.homeTitle()), context([m.homeUpdated({ at: formatDateTime(now, lang) })])];
  if (notice) blocks.push(section(truncate(notice, SECTION_MAX)));
  blocks.push(divider, section(m.homeWaitingHeading({ count: data.waiting.length })));
  if (!data.waiting.length) blocks.push(context([m.homeWaitingNone()]));
  for (const w of data.waiting.slice(0, MAX_WAITING)) {
    const value = encodeApprovalValue({ jobId: w.jobId, planHash: w.planHash, nonce: HOME_NONCE });
    blocks.push(section(m.homeWaitingItem({
      job: code(w.jobId), subject: subjectText(w.subject, lang), requester: userRef(w.requester), channel: channelRef(w.channel), until: at(w.expiresAt), votes: w.votes, required: w.required,
    })));
    blocks.push({
      type: 'actions', block_id: `home_approval_${w.jobId}`.slice(0, 255),
      elements: [
        { type: 'button', action_id: HOME_APPROVE_ACTION, style: 'primary', text: { type: 'plain_text', text: m.homeApprove() }, value },
        { type: 'button', action_id: HOME_REJECT_ACTION, style: 'danger', text: { type: 'plain_text', text: m.homeReject() }, value },
      ],
    });
  }
  if (data.waiting.length > MAX_WAITING) blocks.push(context([m.homeMore({ count: data.waiting.length - MAX_WAITING })]));
  blocks.push(divider, section(m.homeActiveHeading({ count: data.active.length })));
  blocks.push(data.active.length
    ? listSection(data.active.map((a) => m.homeActiveItem({ job: code(a.jobId), subject: subjectText(a.subject, lang), state: code(a.state), requester: userRef(a.requester), channel: channelRef(a.channel) })), lang)
    : context([m.homeActiveNone()]));
  blocks.push(divider, section(m.homeFinishedHeading({ count: data.finished.length })));
  blocks.push(data.finished.length
    ? listSection(data.finished.map((f) => m.homeFinishedItem({ job: code(f.jobId), subject: subjectText(f.subject, lang), outcome: code(f.outcome), at: at(f.at) })), lang)
    : context([m.homeFinishedNone()]));
  blocks.push(divider, section(m.homeGatewaysHeading()));
  blocks.push(data.gateways.length
    ? listSection(data.gateways.map((g) => m.homeGatewayItem({ gateway: code(g.natGatewayId), vpc: code(g.vpcId), region: code(g.regionId), count: g.mapped, at: at(g.at) })), lang)
    : context([m.homeGatewaysNone()]));
  return { type: 'home', blocks };
}
