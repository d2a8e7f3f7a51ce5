import type { MigrationEvent } from '../../domain/events.ts';
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

export function reconcileAskMessage(ev: Extract<MigrationEvent, { type: 'reconcile.ask' }>): SlackMessage {
  const value = encodeValue(ev.regionId, ev.eniId, ev.jobId);
  return fitMessage({
    text: esc(`natmigrate reconcile needs a decision about ENI ${ev.eniId}: ${ev.situation}`),
    blocks: [
      section(`:raising_hand: ${when(ev.at)} *Reconcile needs a person*: ${escCut(ev.situation, 1500)}\nENI ${code(ev.eniId)} in ${code(ev.regionId)}; nothing was changed.`),
      section(`*Restore* puts this original mapping back (from the ENI's tags) and removes the ENI:\n${codeBlock(restoreRecipeText(ev.original))}`),
      ...(value.length <= VALUE_MAX ? [{
        type: 'actions' as const,
        block_id: RECONCILE_BLOCK_ID,
        elements: [{
          type: 'button' as const, action_id: RECONCILE_RESTORE_ACTION_ID, style: 'danger' as const,
          text: { type: 'plain_text' as const, text: 'Restore', emoji: false }, value,
        }],
      }] : []),
      context([`job ${code(ev.jobId)}`, 'Approvers only; or run `natmigrate reconcile --restore ' + esc(ev.eniId) + '`']),
    ],
  });
}
