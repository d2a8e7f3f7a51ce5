import type { MigrationEvent } from '../../domain/events.ts';
import type { Lang } from '../../i18n/lang.ts';
import { msg } from '../../i18n/catalog.ts';
import { code, context, esc, escCut, restoreRecipeText, codeBlock, section, when, type SlackMessage } from './format.ts';
import { fitMessage } from './fit.ts';

/**
 * Reconcile found a job's ENI in a state a person must judge (src/domain/reconcile-decision.ts 'ask'): what it saw,
 * the original mapping the ENI's tags hold, and a Restore button (approvers only; the click is re-authorized).
 */

export const RECONCILE_RESTORE_ACTION_ID = 'natmigrate_reconcile_restore';
const RECONCILE_BLOCK_ID = 'natmigrate_reconcile';
const VALUE_MAX = 300;

function encodeValue(regionId: string, eniId: string, jobId: string): string {
  return JSON.stringify({ v: 1, r: regionId, e: eniId, j: jobId });
}

export function decodeReconcileValue(raw: unknown): { regionId: string; eniId: string; jobId: string } | undefined {
  if (typeof raw !== 'string' || raw.length > VALUE_MAX) return undefined;
  try {
    const v = JSON.parse(raw) as { v?: number; r?: unknown; e?: unknown; j?: unknown };
    if (v.v !== 1 || typeof v.r !== 'string' || typeof v.e !== 'string' || typeof v.j !== 'string') return undefined;
    return { regionId: v.r, eniId: v.e, jobId: v.j };
  } catch {
    return undefined;
  }
}

export function reconcileAskMessage(ev: Extract<MigrationEvent, { type: 'reconcile.ask' }>, lang: Lang = 'en'): SlackMessage {
  const m = msg(lang);
  const value = encodeValue(ev.regionId, ev.eniId, ev.jobId);
  // Worded per reader from the facts; an event from before they were kept shows its English as data.
  const situation = ev.facts ? m.reconcileSituation({ situation: ev.facts }) : ev.situation;
  return fitMessage({
    text: esc(m.reconcileText({ eni: ev.eniId, situation })),
    blocks: [
      section(m.reconcileHead({ at: when(ev.at, lang), situation: escCut(situation, 1500), eni: code(ev.eniId), region: code(ev.regionId) })),
      section(m.reconcileRestore({ recipe: codeBlock(restoreRecipeText(ev.original)) })),
      ...(value.length <= VALUE_MAX ? [{
        type: 'actions' as const,
        block_id: RECONCILE_BLOCK_ID,
        elements: [{
          type: 'button' as const, action_id: RECONCILE_RESTORE_ACTION_ID, style: 'danger' as const,
          text: { type: 'plain_text' as const, text: m.restoreButton(), emoji: false }, value,
        }],
      }] : []),
      context([m.jobRef({ id: code(ev.jobId) }), m.reconcileApproversOnly({ command: code(`natmigrate reconcile --restore ${ev.eniId}`) })]),
    ],
  });
}
