import type { DeliveryContext } from './delivery-context.ts';
import { classify, DeliveryStop } from './slack-errors.ts';
import { errText } from '../error-text.ts';

/**
 * Never post twice when an answer was lost. Every post carries message metadata naming its outbox id
 * (https://docs.slack.dev/messaging/message-metadata: chat.postMessage `metadata` {event_type, event_payload});
 * before re-posting a message whose earlier attempt may have reached Slack, the thread (conversations.replies) or
 * the channel (conversations.history) is read back with include_all_metadata, from a little before that attempt.
 */

export const OUTBOX_EVENT_TYPE = 'natmigrate_outbox_message';

export function outboxMetadata(id: string): { event_type: string; event_payload: { outbox_id: string } } {
  return { event_type: OUTBOX_EVENT_TYPE, event_payload: { outbox_id: id } };
}

interface Listed {
  messages?: { ts?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }[];
  response_metadata?: { next_cursor?: string };
}

/** The ts of the message already posted with this outbox id, if Slack has one since `sinceMs`. */
export async function findPosted(ctx: DeliveryContext, args: Record<string, unknown>, id: string, sinceMs: number): Promise<string | undefined> {
  const channel = String(args.channel);
  const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
  const oldest = ((sinceMs - 60_000) / 1000).toFixed(6);
  let cursor: string | undefined;
  try {
    for (let page = 0; page < 10; page++) {
      const common = { channel, oldest, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) };
      const res = (threadTs ? await ctx.client.conversations.replies({ ...common, ts: threadTs }) : await ctx.client.conversations.history(common)) as Listed;
      const hit = res.messages?.find((m) => m.metadata?.event_type === OUTBOX_EVENT_TYPE && m.metadata.event_payload?.outbox_id === id);
      if (hit?.ts) return hit.ts;
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  } catch (err) {
    const f = classify(err, 'post', 0, ctx.settings);
    // Cannot tell now: try again later rather than risk a duplicate.
    if (f.kind === 'retry') throw new DeliveryStop({ ...f, reason: `checking for an earlier post: ${f.reason}` });
    ctx.log.warn({ channel, id, err: errText(err) }, 'could not read the thread back; posting again');
    return undefined;
  }
}
