// GET /metrics: Prometheus text from one prom-client registry per process.
// - natmigrate_jobs{state} / natmigrate_queue_jobs{state}: read from Redis at scrape time (the same in every
//   process of a deployment: aggregate with max(), not sum()).
// - step durations, finished jobs, approval wait: from the engine's events, seen through the notifier this
//   process gives the engine (steps run in workers, decisions happen in bots, expiries in workers).
// - cloud API calls, errors and latency: the Alibaba adapter's CloudCallObserver (workers).
// - Slack messages refused for good and 429s: the outbox's DeliveryObserver (bots).
import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CloudCall, CloudCallObserver } from '../cloud/cloud-port.ts';
import type { MigrationEvent } from '../domain/events.ts';
import { passThrough, type ApprovalRequest, type JobRecord, type JobState, type Notifier } from '../engine/ports.ts';
import type { DeliveryObserver } from '../slack/outbox/index.ts';
import { handler, type CustomRoute } from './http.ts';

const METRICS_PATH = '/metrics';

export const METRIC_NAMES = {
  jobs: 'natmigrate_jobs',
  queueJobs: 'natmigrate_queue_jobs',
  jobsFinished: 'natmigrate_jobs_finished_total',
  stepDuration: 'natmigrate_step_duration_seconds',
  cloudCalls: 'natmigrate_cloud_api_calls_total',
  cloudErrors: 'natmigrate_cloud_api_errors_total',
  cloudDuration: 'natmigrate_cloud_api_duration_seconds',
  approvalWait: 'natmigrate_approval_wait_seconds',
  outboxPending: 'natmigrate_slack_outbox_pending_jobs',
  slackFailed: 'natmigrate_slack_messages_failed_total',
  slackRateLimited: 'natmigrate_slack_rate_limited_total',
} as const;

const JOB_STATES: JobState[] = [
  'queued', 'planning', 'staging', 'awaiting_approval', 'waiting_window', 'cutover', 'verifying', 'restoring', 'rolling_back', 'unstaging',
];
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;

export interface MetricsSources {
  /** BullMQ queues by name (the migrations queue, and the fleet queue when the engine has one). */
  queues?: { name: string; queue: Pick<Queue, 'getJobCounts'> }[];
  /** Unfinished job records (EngineService.status() with no target). */
  activeRecords?: () => Promise<JobRecord[]>;
  /** The approval request of a job, to time the wait when a decision is seen. */
  approval?: (jobId: string) => Promise<ApprovalRequest | undefined>;
  /** Jobs with undelivered Slack messages (bot processes). */
  outboxPending?: () => Promise<string[]>;
}

export interface Metrics {
  readonly registry: Registry;
  readonly cloudObserver: CloudCallObserver;
  /** The Slack outbox's delivery observer (bot processes). */
  readonly slackObserver: DeliveryObserver;
  /** Where the scrape-time gauges and the approval lookups read from (set once the engine exists). */
  setSources(s: MetricsSources): void;
  /** Counts one engine event (call after it was emitted successfully). */
  observeEvent(e: MigrationEvent): void;
  /** The engine's notifier: emits to `inner`, then observes. */
  notifier(inner: Notifier): Notifier;
  route(onError?: (err: unknown) => void): CustomRoute;
  /** Resolves when the asynchronous observations started so far are done (tests). */
  settled(): Promise<void>;
}

export function createMetrics(opts: { defaultMetrics?: boolean; onError?: (err: unknown) => void } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'natmigrate_' });
  const onError = opts.onError ?? (() => {});
  let sources: MetricsSources = {};
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    const q = p.catch(onError).finally(() => pending.delete(q));
    pending.add(q);
  };

  new Gauge({
    name: METRIC_NAMES.jobs,
    help: 'Unfinished jobs by state, from the job records in Redis',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      if (!sources.activeRecords) return;
      try {
        const counts = new Map<string, number>(JOB_STATES.map((s) => [s, 0]));
        for (const r of await sources.activeRecords()) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
        this.reset();
        for (const [state, n] of counts) this.set({ state }, n);
      } catch (err) {
        onError(err); // keep the last values; /healthz reports Redis
      }
    },
  });
  new Gauge({
    name: METRIC_NAMES.queueJobs,
    help: 'BullMQ jobs by queue and queue state (a migration parked for approval is delayed)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const q of sources.queues ?? []) {
        try {
          const counts = await q.queue.getJobCounts(...QUEUE_STATES);
          for (const s of QUEUE_STATES) this.set({ queue: q.name, state: s }, counts[s] ?? 0);
        } catch (err) {
          onError(err);
        }
      }
    },
  });
  new Gauge({
    name: METRIC_NAMES.outboxPending,
    help: 'Jobs whose Slack thread messages are not all delivered yet',
    registers: [registry],
    async collect() {
      if (!sources.outboxPending) return;
      try {
        this.set((await sources.outboxPending()).length);
      } catch (err) {
        onError(err);
      }
    },
  });
  const finished = new Counter({
    name: METRIC_NAMES.jobsFinished, help: 'Jobs finished, by outcome (counted by the process that finished them)',
    labelNames: ['outcome'], registers: [registry],
  });
  const stepDuration = new Histogram({
    name: METRIC_NAMES.stepDuration, help: 'Duration of job steps (cloud writes, waits, verification)',
    labelNames: ['step', 'result'], registers: [registry],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  });
  const cloudCalls = new Counter({
    name: METRIC_NAMES.cloudCalls, help: 'Alibaba Cloud API requests (each HTTP attempt), by action and result code (OK on success)',
    labelNames: ['product', 'action', 'code'], registers: [registry],
  });
  const cloudErrors = new Counter({
    name: METRIC_NAMES.cloudErrors, help: 'Alibaba Cloud API requests that failed, by action and error code',
    labelNames: ['product', 'action', 'code'], registers: [registry],
  });
  const cloudDuration = new Histogram({
    name: METRIC_NAMES.cloudDuration, help: 'Alibaba Cloud API request latency',
    labelNames: ['product', 'action'], registers: [registry],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  const approvalWait = new Histogram({
    name: METRIC_NAMES.approvalWait, help: 'Time from an approval request to its decision',
    labelNames: ['kind', 'decision'], registers: [registry],
    buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 43200, 86400],
  });

  const slackFailed = new Counter({
    name: METRIC_NAMES.slackFailed, help: 'Slack messages refused for good, by Slack error, operation and what went out instead (minimal form or none)',
    labelNames: ['reason', 'op', 'form'], registers: [registry],
  });
  const slackRateLimited = new Counter({
    name: METRIC_NAMES.slackRateLimited, help: 'Slack calls of the outbox answered 429, by method',
    labelNames: ['method'], registers: [registry],
  });

  // step.started → step.finished of the same job and step; bounded so lost pairs (a crash mid-step) cannot grow it.
  const started = new Map<string, number>();
  const MAX_OPEN_STEPS = 10_000;

  const metrics: Metrics = {
    registry,
    cloudObserver(call: CloudCall) {
      cloudCalls.inc({ product: call.product, action: call.action, code: call.code });
      if (call.code !== 'OK') cloudErrors.inc({ product: call.product, action: call.action, code: call.code });
      cloudDuration.observe({ product: call.product, action: call.action }, call.durationMs / 1000);
    },
    slackObserver: {
      messageFailed: (e) => slackFailed.inc({ reason: e.reason.split(';')[0]!, op: e.op, form: e.form }),
      rateLimited: (e) => slackRateLimited.inc({ method: e.method }),
    },
    setSources(s) {
      sources = { ...sources, ...s };
    },
    observeEvent(e) {
      switch (e.type) {
        case 'step.started': {
          if (started.size >= MAX_OPEN_STEPS) started.delete(started.keys().next().value!);
          started.set(`${e.jobId}|${e.step}`, Date.parse(e.at));
          break;
        }
        case 'step.finished': {
          const key = `${e.jobId}|${e.step}`;
          const t0 = started.get(key);
          started.delete(key);
          if (t0 === undefined) break;
          const result = e.detail && 'error' in e.detail ? 'error' : 'ok';
          stepDuration.observe({ step: e.step, result }, Math.max(0, Date.parse(e.at) - t0) / 1000);
          break;
        }
        case 'finished':
          finished.inc({ outcome: e.outcome });
          break;
        case 'approval.decided': {
          const lookup = sources.approval;
          if (!lookup) break;
          track(lookup(e.jobId).then((a) => {
            if (!a) return;
            const seconds = (Date.parse(a.decision?.at ?? e.at) - Date.parse(a.requestedAt)) / 1000;
            if (Number.isFinite(seconds)) approvalWait.observe({ kind: a.kind, decision: e.decision }, Math.max(0, seconds));
          }));
          break;
        }
        default:
          break;
      }
    },
    notifier(inner) {
      return {
        ...passThrough(inner),
        async emit(event) {
          await inner.emit(event);
          metrics.observeEvent(event);
        },
      };
    },
    route(routeError) {
      return {
        path: METRICS_PATH,
        method: 'GET',
        handler: handler(async (_req, res) => {
          const body = await registry.metrics();
          res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
          res.end(body);
        }, routeError ?? onError),
      };
    },
    async settled() {
      await Promise.all([...pending]);
    },
  };
  return metrics;
}
