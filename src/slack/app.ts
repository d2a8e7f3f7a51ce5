import type { AddressInfo } from 'node:net';
import { setDisplayTimeZone } from '../i18n/time.ts';
import type { Server } from 'node:http';
import type { Redis } from 'ioredis';
import type { RedisConnection } from '../util/redis-connection.ts';
import { App, HTTPReceiver, LogLevel, webApi, type CustomRoute, type Logger as BoltLogger } from '@slack/bolt';
import type { Config } from '../config.ts';
import type { InventoryPort, MigrationService } from '../engine/ports.ts';
import { createAuthz, type Authz } from './authz.ts';
import { createChannelCheck } from './channels.ts';
import { createLanguages, type Languages } from './language.ts';
import type { Lang } from '../i18n/lang.ts';
import { silentLog, type Log } from './slack-log.ts';
import { createOutbox, type Outbox, type OutboxOptions } from './outbox/index.ts';
import { registerCommands, SLASH_COMMAND } from './listeners/commands/index.ts';
import { registerApprovalButtons } from './listeners/actions/approval-click.ts';
import { registerDriftPlan } from './listeners/actions/drift-plan.ts';
import { registerReconcileRestore } from './listeners/actions/reconcile-restore.ts';
import { registerBotMembership } from './listeners/events/bot-membership.ts';
import type { SlackDeps } from './listeners/deps.ts';
import { extractReplayInfo, replayGuard } from './replay.ts';
import { RECEIVED_AT_PROP } from './ack-budget.ts';
import { createNotices, parseApproverNotice } from './notify/approver-notices.ts';
import { createHomePublisher } from './home/home-publisher.ts';
import { createVisibility } from './visibility.ts';
import { registerAppHomeOpened } from './listeners/events/app-home-opened.ts';
import { registerPeopleMembership } from './listeners/events/people-membership.ts';
import { registerHomeApprovalButtons } from './listeners/actions/home-approval-click.ts';
import { registerModalTargetPicked } from './listeners/actions/modal-target-picked.ts';
import { registerStartShortcut } from './listeners/shortcuts/start-shortcut.ts';
import { registerStartSubmission } from './listeners/views/start-submission.ts';
import { registerTargetOptions } from './listeners/views/target-options.ts';

/**
 * The Bolt app: HTTP mode (HTTPReceiver on PORT, path /slack/events, signature checked with the signing secret)
 * or Socket Mode when an app token is given. Listeners only parse, authorize and enqueue; Slack messages about
 * jobs go out through the outbox.
 */

export const SLACK_EVENTS_PATH = '/slack/events';

interface RetryConfig {
  retries: number;
  factor?: number;
  minTimeout?: number;
  maxTimeout?: number;
  randomize?: boolean;
}

export interface SlackBotOptions {
  botToken: string;
  /** HTTP mode. */
  signingSecret?: string;
  /** Socket Mode when set (xapp-…). */
  appToken?: string;
  /** Web API base URL (SLACK_API_URL), e.g. the fake workspace's `http://127.0.0.1:P/api/`. */
  slackApiUrl?: string;
  /** HTTP port (0 = any free port). */
  port?: number;
  /** Skip auth.test entirely when both are known; otherwise it is called once, lazily, on the first request. */
  botId?: string;
  botUserId?: string;
  teamId?: string;
  service: MigrationService;
  /** Read-only cloud reads for the start modal (the engine's `inventory`). */
  inventory?: InventoryPort;
  redis: RedisConnection;
  /** Redis key prefix for the outbox and replay keys (default '{natmigrate}:slack'). */
  prefix?: string;
  requesters: readonly string[];
  approvers: readonly string[];
  defaultRegion: string;
  /** NATMIGRATE_LANGUAGE: the language of job threads where a channel has no override (default 'en'). */
  language?: Lang;
  /**
   * NATMIGRATE_TIMEZONE: the zone of the times in job threads, cards, audit lines and reports (default UTC); one
   * person's answers and App Home use their Slack `tz` instead. Process-wide (i18n/time.ts display zone).
   */
  timeZone?: string;
  /** How long a person's Slack locale is cached (default 1 h). */
  userLanguageTtlMs?: number;
  /** NATMIGRATE_NOTIFY_APPROVERS: `mention` (default), `dm`, `off`, or a user-group id to mention. */
  notifyApprovers?: string;
  /** How often due approval reminders are looked for (default 5 s). */
  reminderPollMs?: number;
  /** Home tabs are refreshed at most once per this many ms when jobs change (default 1000). */
  homeDebounceMs?: number;
  logger?: Log;
  /** Hold the HTTP response until the listener finished (tests; FaaS). Listeners stay short either way. */
  processBeforeResponse?: boolean;
  unhandledRequestTimeoutMillis?: number;
  /** Retry policy of the listeners' Web API clients; the default retries twice within ~2 s, never for minutes. */
  retryConfig?: RetryConfig;
  /** Use this outbox (e.g. the one already given to the engine as its notifier). */
  outbox?: Outbox;
  outboxOptions?: Partial<OutboxOptions>;
  /** Run the outbox delivery loop in this process (default true). */
  deliver?: boolean;
  groupCacheMs?: number;
  /** How long "the bot cannot post in this channel" is cached (default 30 s). */
  channelNoCacheMs?: number;
  /** How long "the bot can post in this channel" is cached (default 5 min). */
  channelYesCacheMs?: number;
  /** How long a stale group member list may answer (while a fresh one is read, or Slack is down); default 10 min. */
  groupStaleMs?: number;
  now?: () => Date;
  /** Extra HTTP routes on the receiver's port (/healthz, /metrics, /admin/queues). HTTP mode only. */
  customRoutes?: CustomRoute[];
}

export interface SlackBot {
  readonly app: App;
  readonly outbox: Outbox;
  readonly authz: Authz;
  /** Who speaks which language; `languages.warm()` is what start() began (tests await it). */
  readonly languages: Languages;
  readonly mode: 'http' | 'socket';
  /** Resolves once no Home tab is being published or waits to be (what was delivered so far is shown). */
  homeIdle(): Promise<void>;
  /** Starts the receiver (and the outbox loop); resolves with the bound port in HTTP mode. */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

const DEFAULT_RETRY: RetryConfig = { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 1000, randomize: true };

function boltLogger(log: Log): BoltLogger {
  let level = LogLevel.WARN;
  const fmt = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...m: unknown[]) => level === LogLevel.DEBUG && log.debug({ src: 'bolt' }, fmt(m)),
    info: (...m: unknown[]) => (level === LogLevel.DEBUG || level === LogLevel.INFO) && log.info({ src: 'bolt' }, fmt(m)),
    warn: (...m: unknown[]) => level !== LogLevel.ERROR && log.warn({ src: 'bolt' }, fmt(m)),
    error: (...m: unknown[]) => log.error({ src: 'bolt' }, fmt(m)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  } as BoltLogger;
}

export function createSlackBot(opts: SlackBotOptions): SlackBot {
  const log = opts.logger ?? silentLog;
  const prefix = opts.prefix ?? '{natmigrate}:slack';
  const socket = Boolean(opts.appToken);
  // Every Web API client of the bot talks to the same Slack (the fake workspace in tests).
  const apiUrl = opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {};
  if (!socket && !opts.signingSecret) throw new Error('Slack HTTP mode needs a signing secret (SLACK_SIGNING_SECRET), or set SLACK_APP_TOKEN for Socket Mode');

  const service = opts.service;
  // Jobs queued elsewhere (CLI, another bot) still find their channel through the job record.
  const resolveAudience = async (jobId: string) => {
    // Batches, scans and drift alerts keep their audience in their own record.
    const fleet = await service.fleetAudience?.(jobId);
    if (fleet) return fleet;
    const rec = (await service.status(jobId)).find((r) => r.jobId === jobId);
    if (!rec) return undefined;
    // A rollback the engine queued itself (cancel after the cutover) belongs in its migration's thread too.
    if (rec.kind === 'rollback' && rec.relatedJobId && !rec.audience.threadTs) {
      const parent = await outboxRef?.thread(rec.relatedJobId);
      if (parent) return { ...rec.audience, channelId: parent.channel, threadTs: parent.threadTs, parentJobId: rec.relatedJobId };
    }
    return rec.audience;
  };
  let outboxRef: Outbox | undefined;
  const outbox =
    opts.outbox ??
    createOutbox({
      // The outbox types its handle as Redis; its MULTI/EVAL touch keys of one job, all in the prefix's slot.
      redis: opts.redis as Redis,
      prefix,
      botToken: opts.botToken,
      ...apiUrl,
      resolveAudience,
      logger: log,
      ...opts.outboxOptions,
    });
  outboxRef = outbox;
  if (opts.outbox) opts.outbox.useAudienceResolver(resolveAudience);
  const authz = createAuthz({
    botToken: opts.botToken,
    ...apiUrl,
    requesters: opts.requesters,
    approvers: opts.approvers,
    logger: log,
    ...(opts.groupCacheMs !== undefined ? { cacheTtlMs: opts.groupCacheMs } : {}),
    ...(opts.groupStaleMs !== undefined ? { staleTtlMs: opts.groupStaleMs } : {}),
  });

  // An explicit retryConfig also stops Socket Mode from writing its 100-retry policy into these options.
  const clientOptions = {
    ...apiUrl,
    retryConfig: opts.retryConfig ?? DEFAULT_RETRY,
    timeout: 5000,
  };

  // `authorize` instead of `token`: Bolt would otherwise call auth.test inside the constructor.
  let identity: Promise<{ botId: string; botUserId: string; teamId?: string }> | undefined;
  const resolveIdentity = () => {
    if (opts.botId && opts.botUserId) return Promise.resolve({ botId: opts.botId, botUserId: opts.botUserId, ...(opts.teamId ? { teamId: opts.teamId } : {}) });
    identity ??= new webApi.WebClient(opts.botToken, { ...clientOptions, logLevel: LogLevel.ERROR })
      .auth.test()
      .then((r) => ({ botId: String(r.bot_id ?? ''), botUserId: String(r.user_id ?? ''), ...(r.team_id ? { teamId: String(r.team_id) } : {}) }))
      .catch((err: unknown) => {
        identity = undefined; // try again on the next request
        throw err;
      });
    return identity;
  };
  const authorize = async () => ({ botToken: opts.botToken, ...(await resolveIdentity()) });

  const logger = boltLogger(log);
  let app: App;
  if (socket) {
    app = new App({ socketMode: true, appToken: opts.appToken!, authorize, clientOptions, logger, logLevel: LogLevel.WARN, convoStore: false });
  } else {
    const receiver = new HTTPReceiver({
      signingSecret: opts.signingSecret!,
      endpoints: SLACK_EVENTS_PATH,
      processBeforeResponse: opts.processBeforeResponse ?? false,
      // When the request was read: the slash command's ack budget counts from here (ack-budget.ts).
      customPropertiesExtractor: (req) => ({ ...extractReplayInfo(req), [RECEIVED_AT_PROP]: Date.now() }),
      unhandledRequestTimeoutMillis: opts.unhandledRequestTimeoutMillis ?? 3001,
      ...(opts.customRoutes?.length ? { customRoutes: opts.customRoutes } : {}),
      logger,
      logLevel: LogLevel.WARN,
    });
    // convoStore off: unused here, and its default store throws (and catches) an Error on every request.
    app = new App({ receiver, authorize, clientOptions, logger, logLevel: LogLevel.WARN, convoStore: false });
  }

  // Every bot sets the zone (UTC unless configured): it is process-wide, and must not be left over from another bot.
  setDisplayTimeZone(opts.timeZone ?? 'UTC');
  const languages = createLanguages({
    redis: opts.redis, prefix, defaultLanguage: opts.language ?? 'en', botToken: opts.botToken, ...apiUrl, logger: log,
    ...(opts.userLanguageTtlMs !== undefined ? { userTtlMs: opts.userLanguageTtlMs } : {}),
  });
  // Thread messages are rendered in the channel's language when the outbox delivers them.
  outbox.useChannelLanguage(languages.channelLanguage);
  let announcer: InstanceType<typeof webApi.WebClient> | undefined;
  const announce = async (channel: string, text: string): Promise<void> => {
    announcer ??= new webApi.WebClient(opts.botToken, { ...clientOptions, logLevel: LogLevel.ERROR });
    await announcer.chat.postMessage({ channel, text, unfurl_links: false, unfurl_media: false });
  };
  const channels = createChannelCheck({ botToken: opts.botToken, ...apiUrl, logger: log, ...(opts.channelNoCacheMs !== undefined ? { noTtlMs: opts.channelNoCacheMs } : {}),
    ...(opts.channelYesCacheMs !== undefined ? { yesTtlMs: opts.channelYesCacheMs } : {}) });
  const web = new webApi.WebClient(opts.botToken, { ...clientOptions, logLevel: LogLevel.ERROR });
  const visibility = createVisibility({ redis: opts.redis, prefix, web, log });
  const deps: SlackDeps = { service, outbox, authz, channels, visibility, languages, announce, web, ...(opts.inventory ? { inventory: opts.inventory } : {}), defaultRegion: opts.defaultRegion, log, now: opts.now ?? (() => new Date()) };
  // `/natmigrate` does its replay check itself, `run` inside its job claim: one Redis round trip before the ack.
  app.use(replayGuard({ redis: opts.redis, prefix, outbox, log, deferCommands: [SLASH_COMMAND] }));
  registerCommands(app, deps);
  registerApprovalButtons(app, deps);
  registerDriftPlan(app, deps);
  registerReconcileRestore(app, deps);
  registerBotMembership(app, deps);
  const notices = createNotices(deps, {
    redis: opts.redis, prefix, notice: parseApproverNotice(opts.notifyApprovers),
    ...(opts.reminderPollMs !== undefined ? { pollMs: opts.reminderPollMs } : {}),
  });
  outbox.onDelivered((d) => notices.onDelivered(d));
  const home = createHomePublisher(deps, { redis: opts.redis, prefix, ...(opts.homeDebounceMs !== undefined ? { debounceMs: opts.homeDebounceMs } : {}) });
  outbox.onDelivered((d) => home.onDelivered(d));
  registerAppHomeOpened(app, deps, home, { redis: opts.redis, prefix });
  registerPeopleMembership(app, deps, home);
  registerHomeApprovalButtons(app, deps, home);
  registerStartShortcut(app, deps);
  registerTargetOptions(app, deps);
  registerModalTargetPicked(app, deps);
  registerStartSubmission(app, deps);
  app.error(async (err) => {
    log.error({ err: err.message, code: (err as { code?: string }).code }, 'slack listener error');
  });

  let started = false;
  return {
    app,
    outbox,
    authz,
    languages,
    mode: socket ? 'socket' : 'http',
    homeIdle: () => home.idle(),
    async start() {
      // Nothing the ack waits for should need Slack: learn who we are and who is in the groups now.
      void authz.warm();
      void languages.warm();
      void resolveIdentity().catch((err: unknown) => log.warn({ err: String(err) }, 'auth.test failed at start; tried again on the first request'));
      const deliver = opts.deliver ?? true;
      if (deliver) {
        outbox.start();
        notices.start();
      }
      started = true;
      if (socket) {
        await app.start();
        return {};
      }
      const server = (await app.start(opts.port ?? 3000)) as Server;
      return { port: (server.address() as AddressInfo).port };
    },
    async stop() {
      if (started) await app.stop().catch((err: unknown) => log.warn({ err: String(err) }, 'stopping the Slack receiver failed'));
      await outbox.stop();
      await notices.stop();
      await home.stop();
      started = false;
    },
  };
}

/** The one place Config maps onto the bot's options. */
export function slackBotOptionsFromConfig(
  config: Config,
  deps: { service: MigrationService; redis: RedisConnection; logger?: Log; outbox?: Outbox; inventory?: InventoryPort },
): SlackBotOptions {
  if (!config.SLACK_BOT_TOKEN) throw new Error('SLACK_BOT_TOKEN is required for the Slack bot');
  return {
    botToken: config.SLACK_BOT_TOKEN,
    ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
    ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
    port: config.PORT,
    service: deps.service,
    ...(deps.inventory ? { inventory: deps.inventory } : {}),
    redis: deps.redis,
    prefix: `${config.NATMIGRATE_QUEUE_PREFIX}:slack`,
    requesters: config.NATMIGRATE_REQUESTERS,
    approvers: config.NATMIGRATE_APPROVERS,
    defaultRegion: config.NATMIGRATE_REGION,
    language: config.NATMIGRATE_LANGUAGE,
    timeZone: config.NATMIGRATE_TIMEZONE,
    notifyApprovers: config.NATMIGRATE_NOTIFY_APPROVERS,
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.outbox ? { outbox: deps.outbox } : {}),
    outboxOptions: { retentionMs: config.NATMIGRATE_RECORD_RETENTION },
  };
}

/**
 * A worker process's notifier: the same outbox, append-only until someone calls start() (the bot processes
 * deliver). Give the same instance to createSlackBot({ outbox }) when bot and worker share a process.
 */
export function createSlackNotifier(opts: OutboxOptions): Outbox {
  return createOutbox(opts);
}
