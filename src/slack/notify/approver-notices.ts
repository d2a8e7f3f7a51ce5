import type { MigrationEvent } from '../../domain/events.ts';
import { isExpired } from '../../domain/approval.ts';
import { msg } from '../../i18n/catalog.ts';
import type { Lang } from '../../i18n/lang.ts';
import { formatDateTime } from '../../i18n/time.ts';
import { summaryText } from '../blocks/format.ts';
import type { RedisConnection } from '../../util/redis-connection.ts';
import { isBatchJobId } from '../blocks/batch-card.ts';
import { errText } from '../error-text.ts';
import type { SlackDeps } from '../listeners/deps.ts';
import { code, escCut } from '../mrkdwn.ts';
import type { Delivered } from '../outbox/index.ts';
import { sendDirectMessage } from './direct-message.ts';
import { createReminderQueue, type Reminder } from './reminder-queue.ts';

/**
 * Approvers are told, and requesters hear the end. Driven by the outbox: once an approval card went out, the approvers
 * are mentioned in the job's thread (the configured users and `<!subteam^…>` groups, or one group), or each gets a
 * DM, as NATMIGRATE_NOTIFY_APPROVERS says; a reminder is queued for 80 % of the request's lifetime, and sent then only
 * if the request is still open (same plan, undecided, not expired, by the bot's clock). When a job (or batch) ends,
 * its requester gets a DM with the outcome. Thread lines go through the outbox like every other line of the thread.
 */

export type ApproverNotice = { kind: 'mention' } | { kind: 'group'; groupId: string } | { kind: 'dm' } | { kind: 'off' };

/** NATMIGRATE_NOTIFY_APPROVERS: `mention` (default), `dm`, `off`, or a user-group id (S…) to mention instead. */
export function parseApproverNotice(v: string | undefined): ApproverNotice {
  if (!v || v === 'mention') return { kind: 'mention' };
  if (v === 'dm' || v === 'off') return { kind: v };
  return { kind: 'group', groupId: v };
}

/** When the reminder is due: 80 % of the way from the request to its expiry. */
export const REMINDER_AT = 0.8;
export function reminderDue(requestedAt: string, expiresAt: string): number {
  const from = Date.parse(requestedAt);
  const to = Date.parse(expiresAt);
  return from + Math.max(0, to - from) * REMINDER_AT;
}

export interface NoticesOptions {
  redis: RedisConnection;
  prefix: string;
  notice: ApproverNotice;
  /** How often due reminders are looked for (default 5 s). */
  pollMs?: number;
}

export interface Notices {
  /** Give this to outbox.onDelivered. */
  onDelivered(d: Delivered): void;
  /** Send the reminders due now (by deps.now()); returns how many were sent. */
  runOnce(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

type Asked = Extract<MigrationEvent, { type: 'approval.requested' }>;

export function createNotices(deps: SlackDeps, o: NoticesOptions): Notices {
  const queue = createReminderQueue(o.redis, `${o.prefix}:notify:reminders`);
  const inflight = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const track = (what: string, p: Promise<unknown>) => {
    const q = p.catch((err: unknown) => deps.log.warn({ err: errText(err) }, `${what} failed`)).finally(() => inflight.delete(q));
    inflight.add(q);
  };

  const mentionOf = (exclude: readonly string[]): string => {
    if (o.notice.kind === 'group') return `<!subteam^${o.notice.groupId}>`;
    const p = deps.authz.approverPrincipals;
    return [...p.userIds.filter((u) => !exclude.includes(u)).map((u) => `<@${u}>`), ...p.groupIds.map((g) => `<!subteam^${g}>`)].join(' ');
  };

  const subjectOf = (ev: Asked, lang: Lang) => (ev.batch ? msg(lang).notifyBatchSubject({ count: ev.batch.items.length }) : code(ev.plan.instanceId));
  const requesterOf = (ev: Asked) => (ev.requestedBy.kind === 'user' ? ev.requestedBy.userId : '');

  async function dmApprovers(r: Reminder, exclude: readonly string[], text: (lang: Lang) => string): Promise<void> {
    const ids = (await deps.authz.approverIds()).filter((u) => !exclude.includes(u));
    for (const u of ids) await sendDirectMessage(deps, u, text(await deps.languages.userLanguage(u)));
    deps.log.info({ jobId: r.jobId, approvers: ids.length }, 'approvers told by DM');
  }

  async function asked(d: Delivered, ev: Asked): Promise<void> {
    if (o.notice.kind === 'off' || d.mode !== 'thread') return;
    const requester = requesterOf(ev);
    const r: Reminder = { jobId: d.jobId, planHash: ev.planHash, channel: d.channel, lang: d.lang, requester, subject: ev.batch ? `batch:${ev.batch.items.length}` : ev.plan.instanceId };
    const until = (lang: Lang) => formatDateTime(Date.parse(ev.expiresAt), lang);
    if (o.notice.kind === 'dm') {
      await dmApprovers(r, [requester], (lang) => msg(lang).notifyApprovalAskedDm({
        job: code(d.jobId), subject: subjectOf(ev, lang), requester: `<@${requester}>`, channel: `<#${d.channel}>`, until: until(lang),
      }));
    } else {
      const text = msg(d.lang).notifyApprovalAsked({
        who: mentionOf([requester]), job: code(d.jobId), subject: subjectOf(ev, d.lang), requester: `<@${requester}>`, until: until(d.lang), required: ev.requiredApprovals,
      });
      await deps.outbox.note({ type: 'slack.notice', jobId: d.jobId, at: deps.now().toISOString(), text });
    }
    await queue.add(r, reminderDue(ev.at, ev.expiresAt));
  }

  async function remind(r: Reminder): Promise<boolean> {
    const req = await deps.service.approvals.current(r.jobId);
    const now = deps.now();
    if (!req || req.decision || req.heldBy || req.planHash !== r.planHash || isExpired(req, now)) return false;
    const voted = req.approvals.map((a) => a.userId);
    const missing = Math.max(1, req.requiredApprovals - voted.length);
    const subject = (lang: Lang) => (r.subject.startsWith('batch:') ? msg(lang).notifyBatchSubject({ count: Number(r.subject.slice(6)) }) : code(r.subject));
    const until = (lang: Lang) => formatDateTime(Date.parse(req.expiresAt), lang);
    if (o.notice.kind === 'dm') {
      await dmApprovers(r, [r.requester, ...voted], (lang) => msg(lang).notifyApprovalReminderDm({ job: code(r.jobId), subject: subject(lang), channel: `<#${r.channel}>`, until: until(lang), missing }));
    } else {
      const text = msg(r.lang).notifyApprovalReminder({ who: mentionOf([r.requester, ...voted]), job: code(r.jobId), subject: subject(r.lang), until: until(r.lang), missing });
      await deps.outbox.note({ type: 'slack.notice', jobId: r.jobId, at: now.toISOString(), text });
    }
    deps.log.info({ jobId: r.jobId, missing }, 'approval reminder sent');
    return true;
  }

  async function ended(d: Delivered, ev: Extract<MigrationEvent, { type: 'finished' }>): Promise<void> {
    if (d.mode !== 'thread') return;
    let requester: string | undefined;
    let subject: ((lang: Lang) => string) | undefined;
    if (isBatchJobId(d.jobId)) {
      const b = await deps.service.batchStatus?.(d.jobId);
      if (!b) return;
      requester = b.requestedBy;
      subject = (lang) => msg(lang).notifyBatchSubject({ count: b.items.length });
    } else {
      const rec = (await deps.service.status(d.jobId)).find((x) => x.jobId === d.jobId);
      // A batch's instances are told through their batch; a dry run ends in its own answer.
      if (!rec || rec.batchId || rec.kind === 'preview') return;
      requester = rec.requestedBy;
      subject = () => code(rec.instanceId);
    }
    if (!requester || !/^[UW][A-Z0-9]+$/.test(requester)) return;
    const lang = await deps.languages.userLanguage(requester);
    await sendDirectMessage(deps, requester, msg(lang).notifyJobEndedDm({
      job: code(d.jobId), subject: subject(lang), label: msg(lang).outcomeLabel({ outcome: ev.outcome }), outcome: code(ev.outcome), channel: `<#${d.channel}>`, summary: escCut(summaryText(ev, lang), 1500),
    }));
    deps.log.info({ jobId: d.jobId, requester }, 'requester told the job ended');
  }

  const runOnce = async (): Promise<number> => {
    let sent = 0;
    for (const r of await queue.takeDue(deps.now().getTime())) if (await remind(r)) sent += 1;
    return sent;
  };

  const tick = () => {
    if (!running) return;
    track('approval reminders', runOnce().finally(() => {
      if (running) timer = setTimeout(tick, o.pollMs ?? 5000);
    }));
  };

  return {
    onDelivered(d) {
      const ev = d.event;
      if (ev.type === 'approval.requested') track('telling the approvers', asked(d, ev));
      else if (ev.type === 'finished') track('telling the requester', ended(d, ev));
    },
    runOnce,
    start() {
      if (running) return;
      running = true;
      tick();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await Promise.allSettled([...inflight]);
    },
  };
}
