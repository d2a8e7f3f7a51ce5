import type { DeliveryContext } from './delivery-context.ts';
import { TAKE_TOKEN } from './keys-and-scripts.ts';
import { DeliveryStop } from './slack-errors.ts';

/**
 * Pacing of the outbox's Slack calls, shared by every bot process through Redis, so that Slack never has to refuse
 * one (https://api.slack.com/docs/rate-limits): posts per channel at 1 per second with a burst smaller than
 * Slack's (chat.postMessage allows about one message per second per channel, with short bursts), edits at a pace
 * under Tier 3 (chat.update, 50+ per minute per workspace). A 429 still pauses that method in that channel only,
 * for its Retry-After (set by slack-send.ts). A call that has to wait ends the job's pass; it is due again when
 * the wait is over, and other channels go on meanwhile.
 */

/**
 * Take a token for one call, or stop the pass until one is there. Approval cards, and the posts of a job whose
 * approval request waits, are `priority`: other posts leave one token of the channel's bucket for them, so a card
 * does not queue behind other jobs' replies.
 */
export async function pace(ctx: DeliveryContext, op: 'post' | 'update', channel: string, priority = false): Promise<void> {
  const rule = ctx.settings.pacing[op];
  const method = op === 'post' ? 'chat.postMessage' : 'chat.update';
  if (rule.perSecond <= 0) {
    // Unpaced (tests of other things): Slack's own pause still holds.
    const paused = await ctx.redis.pttl(ctx.keys.pauseFor(method, channel));
    if (paused > 0) throw new DeliveryStop({ kind: 'paced', delayMs: paused, reason: `${method} paused in ${channel}` });
    return;
  }
  // Posts are limited per channel; edits (Tier 3) per workspace.
  const scope = op === 'post' ? channel : '*';
  const wait = Number(await ctx.redis.eval(TAKE_TOKEN, 2, ctx.keys.pauseFor(method, channel), ctx.keys.bucket(method, scope), rule.perSecond / 1000, rule.burst, priority || rule.burst < 2 ? 0 : 1));
  if (wait > 0) throw new DeliveryStop({ kind: 'paced', delayMs: wait, reason: `${method} paced in ${channel}` });
}
