import { randomBytes } from 'node:crypto';
import { isObj, parseBlocks, validateBlocks } from './block-validation.ts';
import { botMethod, str, type WebApiMethods } from './web-api-method.ts';
import type { Workspace } from './workspace.ts';
import type { FakeView } from './workspace-types.ts';

/**
 * Views: views.publish (a person's App Home tab), views.open (a modal, with a trigger_id), views.update, with the
 * checks of https://docs.slack.dev/reference/methods/views.open (…/views.publish, …/views.update) and the view
 * limits of https://docs.slack.dev/reference/views: at most 100 blocks; a modal's title 24 characters, its submit and
 * close 24; callback_id 255; private_metadata 3,000; an input block's label 2,000. A modal with an input block needs a
 * submit button. A trigger_id "expires in three seconds" and can be exchanged once
 * (https://docs.slack.dev/interactivity/handling-user-interaction#modal_responses): an old one answers
 * `expired_trigger_id`, a used one `exchanged_trigger_id`, an unknown one `invalid_trigger_id` (unconfirmed wording).
 */

export const VIEW_LIMITS = { blocks: 100, title: 24, button: 24, callbackId: 255, privateMetadata: 3000, label: 2000 } as const;
export const TRIGGER_TTL_MS = 3000;

const plain = (t: unknown, max: number) => isObj(t) && t.type === 'plain_text' && typeof t.text === 'string' && t.text.length > 0 && t.text.length <= max;

/** The error Slack would answer for this view, or undefined. */
export function viewFault(view: Record<string, unknown>, kind: 'modal' | 'home'): string | undefined {
  if (view.type !== kind) return 'invalid_arguments';
  const blocks = parseBlocks(view.blocks);
  if (!Array.isArray(blocks) || blocks.length > VIEW_LIMITS.blocks) return 'invalid_arguments';
  for (const b of blocks) {
    if (isObj(b) && b.type === 'input') {
      if (!plain(b.label, VIEW_LIMITS.label) || !isObj(b.element) || typeof b.element.type !== 'string' || typeof b.element.action_id !== 'string') return 'invalid_arguments';
      if (typeof b.block_id !== 'string' || !b.block_id) return 'invalid_arguments';
      continue;
    }
    const bad = validateBlocks([b], { relax: ['max_blocks', 'total_block_text'] });
    if (bad) return bad === 'invalid_blocks' ? 'invalid_arguments' : bad;
  }
  if (view.callback_id !== undefined && (typeof view.callback_id !== 'string' || view.callback_id.length > VIEW_LIMITS.callbackId)) return 'invalid_arguments';
  if (view.private_metadata !== undefined && (typeof view.private_metadata !== 'string' || view.private_metadata.length > VIEW_LIMITS.privateMetadata)) return 'invalid_arguments';
  if (kind === 'modal') {
    if (!plain(view.title, VIEW_LIMITS.title)) return 'invalid_arguments';
    for (const k of ['submit', 'close'] as const) if (view[k] !== undefined && !plain(view[k], VIEW_LIMITS.button)) return 'invalid_arguments';
    if (blocks.some((b) => isObj(b) && b.type === 'input') && view.submit === undefined) return 'invalid_arguments';
  }
  return undefined;
}

function parseView(v: unknown): Record<string, unknown> | undefined {
  let x = v;
  if (typeof x === 'string') { try { x = JSON.parse(x); } catch { return undefined; } }
  return isObj(x) ? x : undefined;
}

export function viewMethods(ws: Workspace): WebApiMethods {
  const store = (user: string, view: Record<string, unknown>, kind: 'modal' | 'home', id?: string): FakeView => {
    const v: FakeView = {
      id: id ?? `V${String(ws.nextSeq()).padStart(9, '0')}`, user, kind, view: { ...view, blocks: parseBlocks(view.blocks) },
      hash: `${Date.now()}.${randomBytes(4).toString('hex')}`, at: Date.now(), open: true,
    };
    ws.views.set(v.id, v);
    if (kind === 'home') ws.homeOf.set(user, v.id);
    return v;
  };
  const wire = (v: FakeView) => ({ id: v.id, team_id: ws.teamId, app_id: ws.appId, bot_id: ws.botId, hash: v.hash, state: { values: {} }, ...v.view });
  return {
    'views.publish': botMethod(ws, (p) => {
      const user = str(p.user_id);
      const view = parseView(p.view);
      if (!user || !view) return { ok: false, error: 'invalid_arguments' };
      if (!ws.users.has(user)) return { ok: false, error: 'user_not_found' };
      const bad = viewFault(view, 'home');
      if (bad) return { ok: false, error: bad };
      const old = ws.homeOf.get(user);
      if (str(p.hash) && old && ws.views.get(old)?.hash !== p.hash) return { ok: false, error: 'hash_conflict' };
      return { ok: true, view: wire(store(user, view, 'home', old)) };
    }),
    'views.open': botMethod(ws, (p) => {
      const trigger = str(p.trigger_id);
      const view = parseView(p.view);
      if (!trigger || !view) return { ok: false, error: 'invalid_arguments' };
      const t = ws.triggers.get(trigger);
      if (!t) return { ok: false, error: 'invalid_trigger_id' };
      if (t.used) return { ok: false, error: 'exchanged_trigger_id' };
      if (Date.now() - t.at > TRIGGER_TTL_MS) return { ok: false, error: 'expired_trigger_id' };
      const bad = viewFault(view, 'modal');
      if (bad) return { ok: false, error: bad };
      t.used = true;
      return { ok: true, view: wire(store(t.user, view, 'modal')) };
    }),
    'views.update': botMethod(ws, (p) => {
      const id = str(p.view_id);
      const view = parseView(p.view);
      const old = id ? ws.views.get(id) : undefined;
      if (!view) return { ok: false, error: 'invalid_arguments' };
      if (!old || !old.open) return { ok: false, error: 'not_found' };
      if (str(p.hash) && p.hash !== old.hash) return { ok: false, error: 'hash_conflict' };
      const bad = viewFault(view, old.kind);
      if (bad) return { ok: false, error: bad };
      return { ok: true, view: wire(store(old.user, view, old.kind, old.id)) };
    }),
  };
}
