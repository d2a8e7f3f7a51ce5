import { isObj } from './block-validation.ts';
import type { People } from './people.ts';
import type { Workspace } from './workspace.ts';
import type { BotReply, EventDelivery, FakeView, ViewValue, ViewValues } from './workspace-types.ts';

/**
 * People using the app's surfaces beyond messages, each as Slack sends it (https://docs.slack.dev/reference/interaction-payloads):
 * a global shortcut (with a trigger_id), opening the App Home tab (the `app_home_opened` event), a button in a view
 * (block_actions with a `view` container and no response_url), typing in an external select (block_suggestion,
 * answered with options in the HTTP response within 3 s) and submitting a modal (view_submission; the response may
 * carry `response_action: errors | update | clear`, else the modal closes).
 */

export class ViewPeople {
  constructor(private readonly ws: Workspace, private readonly people: People) {}

  private user(userId: string) {
    return { id: userId, username: this.ws.userName(userId), name: this.ws.userName(userId), team_id: this.ws.teamId };
  }

  private wireView(v: FakeView, values: ViewValues = {}): Record<string, unknown> {
    return { id: v.id, team_id: this.ws.teamId, app_id: this.ws.appId, bot_id: this.ws.botId, hash: v.hash, ...v.view, state: { values } };
  }

  private base(type: string, userId: string): Record<string, unknown> {
    return { type, team: { id: this.ws.teamId, domain: this.ws.teamDomain }, user: this.user(userId), api_app_id: this.ws.appId, token: 'fake-verification-token', is_enterprise_install: false, enterprise: null };
  }

  view(id: string): FakeView {
    const v = this.ws.views.get(id);
    if (!v) throw new Error(`fake slack: no view ${id}`);
    return v;
  }

  shortcut(userId: string, callbackId: string): Promise<BotReply> {
    return this.people.interact({ ...this.base('shortcut', userId), callback_id: callbackId, trigger_id: this.ws.issueTrigger(userId), action_ts: (Date.now() / 1000).toFixed(6) });
  }

  /** The person opens the bot's Home tab; `retries` more deliveries of the same event follow (Slack's retries). */
  openHome(userId: string, retries = 0): Promise<EventDelivery> {
    const home = this.ws.homeOf.get(userId);
    const event: Record<string, unknown> & { type: string } = { type: 'app_home_opened', user: userId, channel: this.ws.imOf(userId), tab: 'home' };
    if (home) event.view = this.wireView(this.view(home));
    return this.people.eventWithRetries(event, retries);
  }

  /**
   * A button in a view (the App Home or a modal): the one with this action_id and value (the first with the action_id
   * when no value is given). `o.forgeValue` sends the first such button with another value (tampering).
   */
  click(userId: string, viewId: string, actionId: string, value?: string, o: { forgeValue?: string } = {}): Promise<BotReply> {
    const v = this.view(viewId);
    let found: { blockId: string; el: Record<string, unknown> } | undefined;
    for (const b of (v.view.blocks as unknown[]) ?? []) {
      if (!isObj(b) || !Array.isArray(b.elements)) continue;
      for (const e of b.elements) if (isObj(e) && e.action_id === actionId && (value === undefined || e.value === value)) found ??= { blockId: String(b.block_id ?? 'unknown'), el: e };
    }
    if (!found) throw new Error(`fake slack: view ${viewId} has no button ${actionId}${value ? ` with value ${value}` : ''}`);
    if (o.forgeValue !== undefined) found = { ...found, el: { ...found.el, value: o.forgeValue } };
    return this.people.interact({
      ...this.base('block_actions', userId),
      container: { type: 'view', view_id: v.id },
      trigger_id: this.ws.issueTrigger(userId),
      view: this.wireView(v),
      actions: [{ type: 'button', action_id: actionId, block_id: found.blockId, value: found.el.value, text: found.el.text, action_ts: (Date.now() / 1000).toFixed(6) }],
    });
  }

  /** What a modal's inputs hold before anyone touches them: their initial values, as Slack fills `state.values`. */
  initialValues(v: FakeView): ViewValues {
    const out: ViewValues = {};
    for (const b of (v.view.blocks as unknown[]) ?? []) {
      if (!isObj(b) || b.type !== 'input' || !isObj(b.element) || typeof b.block_id !== 'string') continue;
      const e = b.element;
      const action = String(e.action_id);
      const opts = (x: unknown) => (Array.isArray(x) ? x : []).filter(isObj).map((o) => ({ text: { type: 'plain_text' as const, text: String(isObj(o.text) ? o.text.text : '') }, value: String(o.value) }));
      let val: ViewValue | undefined;
      switch (e.type) {
        case 'plain_text_input': val = { type: 'plain_text_input', value: typeof e.initial_value === 'string' ? e.initial_value : '' }; break;
        case 'static_select': case 'external_select': val = { type: e.type, selected_option: opts([e.initial_option])[0] ?? null }; break;
        case 'multi_static_select': case 'multi_external_select': val = { type: e.type, selected_options: opts(e.initial_options) }; break;
        case 'checkboxes': val = { type: 'checkboxes', selected_options: opts(e.initial_options) }; break;
        case 'conversations_select': val = { type: 'conversations_select', selected_conversation: typeof e.initial_conversation === 'string' ? e.initial_conversation : null }; break;
        default: break;
      }
      if (val) out[b.block_id] = { [action]: val };
    }
    return out;
  }

  /** A select with dispatch_action: the person picks an option; the app gets block_actions with the view. */
  select(userId: string, viewId: string, blockId: string, actionId: string, option: { text: string; value: string }): Promise<BotReply> {
    const v = this.view(viewId);
    const picked = { text: { type: 'plain_text' as const, text: option.text }, value: option.value };
    const values = this.initialValues(v);
    values[blockId] = { [actionId]: { type: 'external_select', selected_option: picked } };
    return this.people.interact({
      ...this.base('block_actions', userId), container: { type: 'view', view_id: v.id }, trigger_id: this.ws.issueTrigger(userId), view: this.wireView(v, values),
      actions: [{ type: 'external_select', action_id: actionId, block_id: blockId, selected_option: picked, action_ts: (Date.now() / 1000).toFixed(6) }],
    });
  }

  /** The person types `value` in an external select of a modal; the reply holds the options. */
  suggest(userId: string, viewId: string, blockId: string, actionId: string, value: string): Promise<BotReply> {
    const v = this.view(viewId);
    return this.people.interact({
      ...this.base('block_suggestion', userId), container: { type: 'view', view_id: v.id }, view: this.wireView(v, this.initialValues(v)),
      block_id: blockId, action_id: actionId, value,
    });
  }

  /** The person submits a modal; the view follows the app's response_action (errors, update, clear, or it closes). */
  async submit(userId: string, viewId: string, values: ViewValues): Promise<BotReply> {
    const v = this.view(viewId);
    if (!v.open) throw new Error(`fake slack: view ${viewId} is closed`);
    const reply = await this.people.interact({ ...this.base('view_submission', userId), trigger_id: this.ws.issueTrigger(userId), view: this.wireView(v, { ...this.initialValues(v), ...values }), response_urls: [] });
    const action = reply.json?.response_action;
    if (action === 'errors' && isObj(reply.json?.errors)) {
      v.errors = Object.fromEntries(Object.entries(reply.json.errors).map(([k, x]) => [k, String(x)]));
    } else if (action === 'update' && isObj(reply.json?.view)) {
      v.view = reply.json.view;
      delete v.errors;
    } else if (reply.status === 200) {
      v.open = false;
    }
    return reply;
  }
}
