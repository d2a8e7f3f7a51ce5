import type { DriftAlert } from '../../domain/events.ts';
import type { Lang } from '../../i18n/lang.ts';
import { msg } from '../../i18n/catalog.ts';
import { code, context, esc, escCut, section, when, type SlackMessage } from './format.ts';
import { fitMessage } from './fit.ts';

/** The drift channel's alert: what drifted, and a button that starts a dry run (`plan`) for that instance. */

export const DRIFT_PLAN_ACTION_ID = 'natmigrate_drift_plan';
const DRIFT_BLOCK_ID = 'natmigrate_drift';
/** The longest button value the click handler takes (Slack's own limit is 2,000). */
const DRIFT_VALUE_MAX = 300;

/** The button value: which instance to plan, in which region (no secrets; the click is re-authorized). */
function encodeDriftValue(d: Pick<DriftAlert, 'regionId' | 'instanceId'>): string {
  return JSON.stringify({ v: 1, r: d.regionId, i: d.instanceId });
}

export function decodeDriftValue(raw: unknown): { regionId: string; instanceId: string } | undefined {
  if (typeof raw !== 'string' || raw.length > DRIFT_VALUE_MAX) return undefined;
  try {
    const v = JSON.parse(raw) as { v?: number; r?: unknown; i?: unknown };
    if (v.v !== 1 || typeof v.r !== 'string' || typeof v.i !== 'string') return undefined;
    return { regionId: v.r, instanceId: v.i };
  } catch {
    return undefined;
  }
}

export function driftAlertMessage(d: DriftAlert, at: string, jobId: string, lang: Lang = 'en'): SlackMessage {
  const m = msg(lang);
  const who = `${code(d.instanceId)}${d.instanceName ? ` (${escCut(d.instanceName, 200)})` : ''}`;
  const what = m.driftWhat({ kind: d.kind, egress: code(d.egressIp ?? '?'), expected: d.expectedIps.map((ip) => code(ip)).join(m.orWord()) });
  // A silent migrated instance needs a person in the guest, not a plan: no button.
  const value = d.kind === 'not-answering' ? '' : encodeDriftValue(d);
  return fitMessage({
    text: esc(m.driftText({ ngw: d.natGatewayId, instance: d.instanceId, kind: d.kind, egress: d.egressIp ?? '?' })),
    blocks: [
      section(m.driftHead({ at: when(at, lang), ngw: code(d.natGatewayId), who, what, reason: escCut(d.why ? m.driftReason({ why: d.why }) : d.reason, 1000) })),
      // A value the click handler would refuse (ids no real cloud has) gets no button.
      ...(value && value.length <= DRIFT_VALUE_MAX ? [{
        type: 'actions' as const,
        block_id: DRIFT_BLOCK_ID,
        elements: [{
          type: 'button' as const, action_id: DRIFT_PLAN_ACTION_ID, text: { type: 'plain_text' as const, text: m.planButton(), emoji: false }, value,
        }],
      }] : []),
      context([m.regionRef({ id: code(d.regionId) }), m.sweepRef({ id: code(jobId) }), m.driftOnce()]),
    ],
  });
}
