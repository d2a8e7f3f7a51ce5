import type { RedisConnection } from '../../util/redis-connection.ts';
import type { JobOutcome } from '../../domain/events.ts';
import type { ApprovalRequest } from '../../domain/approval.ts';
import type { OutcomeText } from '../../domain/job-text.ts';
import type { JobRecord, StepRecord } from '../ports.ts';
import type { Keys } from './keys.ts';
import { script } from './lua.ts';
import type { JobData } from '../job-data.ts';
import { FENCE_CHECK_LUA, fenceKeysArgs, type FenceInput } from './fencing.ts';

/**
 * The durable job record (what `status` shows), one Redis hash per job with one JSON value per top-level field.
 * Field-wise writes let the processor, the approvals port and cancel update their own fields without
 * read-modify-write races; the one contended field (approval) goes through compare-and-set.
 * The hash also keeps a copy of the journal, so a job whose BullMQ entry was lost can be re-queued from it.
 * A job's steps are one field each (`steps:<i>`, over the `steps` array the record was created with): a step
 * finished writes its own entry, not the whole list again.
 */

type Fields = Partial<JobRecord> & { journal?: JobData };

/** The entries of `steps` from index `from` on: the ones written since the last write (MigrationRun). */
export interface StepTail { from: number; steps: StepRecord[] }

const JOURNAL = 'journal';
const STEP_FIELD = /^steps:(\d+)$/;

function encodeSteps(t: StepTail | undefined): string[] {
  const out: string[] = [];
  for (let i = t?.from ?? 0; t && i < t.steps.length; i++) out.push(`steps:${i}`, JSON.stringify(t.steps[i]));
  return out;
}

function encode(fields: Fields): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    out.push(k, JSON.stringify(v));
  }
  return out;
}

// Claims the instance (active key) and writes the record and its indexes in one step, or returns the holder.
const createActive = script(`
local cur = redis.call('GET', KEYS[1])
if cur then return cur end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], unpack(ARGV, 3))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
return false
`);

// createActive and the per-instance job sequence in one round trip (the ack of `run` waits for it): the job id is
// <ARGV[1]>-<seq>, and '@@SEQ@@' in the field values becomes the seq. The record key is built here from ARGV[2];
// it shares the prefix's hash tag with KEYS, so the script stays within one cluster slot. KEYS[5] (optional, TTL
// ARGV[4]) is the request's one-time key: seen before = a replayed request, nothing is written ({2}).
const claimActive = script(`
if ARGV[4] ~= '0' and not redis.call('SET', KEYS[5], '1', 'PX', ARGV[4], 'NX') then return {2, ''} end
local cur = redis.call('GET', KEYS[1])
if cur then return {0, cur} end
local seq = redis.call('INCR', KEYS[2])
local jobId = ARGV[1] .. '-' .. seq
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = (string.gsub(ARGV[i], '@@SEQ@@', tostring(seq))) end
redis.call('SET', KEYS[1], jobId)
redis.call('HSET', ARGV[2] .. jobId, unpack(fields))
redis.call('ZADD', KEYS[3], ARGV[3], jobId)
redis.call('ZADD', KEYS[4], ARGV[3], jobId)
return {1, jobId}
`);

/** Stands for the job's sequence number in claimActive's templates. */
export const SEQ_PLACEHOLDER = '@@SEQ@@';

// Final write: fields, release the instance only if we still hold it, leave the active set, start the retention clock.
const finishScript = script(`
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
if KEYS[2] ~= '' and redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

// The journal of a run that still owns its job (FENCE_CHECK_LUA, KEYS[1..2]; ARGV[1..2]): the BullMQ job's data
// (KEYS[3], as BullMQ's updateData writes it) and, with KEYS[4], the record's copy (ARGV[3], sent once) and fields.
const writeJournalScript = script(`${FENCE_CHECK_LUA}
if redis.call('EXISTS', KEYS[3]) == 0 then return 'missing' end
redis.call('HSET', KEYS[3], 'data', ARGV[3])
if KEYS[4] then redis.call('HSET', KEYS[4], 'journal', ARGV[3], unpack(ARGV, 4)) end
return 'ok'
`);

// Frees the instance if the job still holds it.
const releaseScript = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`);

// Compare-and-set of one field (JSON text), also bumping updatedAt.
const casField = script(`
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur == false then cur = '' end
if cur ~= ARGV[2] then return 0 end
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3], 'updatedAt', ARGV[4])
return 1
`);

/** The few fields of a job's record that a batch looks at (not its steps or journal: a batch may have hundreds). */
export type ChildView = Pick<JobRecord, 'state' | 'outcome' | 'summary' | 'approval' | 'outcomeText'>;
const CHILD_FIELDS_WITH_ID = ['jobId', 'state', 'outcome', 'summary', 'approval', 'outcomeText'];
/** Records read by one peek script call. */
const PEEK_CHUNK = 500;

// HMGET of the fields ARGV on every key: one array per key, nil for a field (or record) that is not there.
const peekLua = script(`
local out = {}
for i = 1, #KEYS do out[i] = redis.call('HMGET', KEYS[i], unpack(ARGV)) end
return out
`);

export interface CreateResult {
  created: boolean;
  /** When not created: the job that holds the instance. */
  holder?: string;
}

export class RecordStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
    private readonly retentionMs: number,
  ) {}

  /** Claims region+instance for this job and writes its record; refuses if another job holds it. */
  async createActive(record: JobRecord, journal: JobData): Promise<CreateResult> {
    const score = Date.parse(record.createdAt);
    const res = await createActive.run(this.redis,
      [this.keys.activeFor(record.regionId, record.instanceId), this.keys.record(record.jobId),
        this.keys.byInstance(record.instanceId), this.keys.activeJobs()],
      [record.jobId, score, ...encode({ ...record, journal })]);
    return typeof res === 'string' ? { created: false, holder: res } : { created: true };
  }

  /**
   * Like createActive, with the job id allocated in the same step: `jobIdBase`-<next seq of kind 'migrate'>.
   * `record` and `journal` use SEQ_PLACEHOLDER where the seq goes (their jobId fields).
   */
  async claimActive(record: JobRecord, journal: JobData, jobIdBase: string, requestKey?: { key: string; ttlMs: number }):
    Promise<{ created: true; jobId: string } | { created: false; holder: string } | { created: false; replayed: true }> {
    const rk = this.keys.record('');
    const res = await claimActive.run(this.redis,
      [this.keys.activeFor(record.regionId, record.instanceId), this.keys.seq(record.kind, record.regionId, record.instanceId),
        this.keys.byInstance(record.instanceId), this.keys.activeJobs(),
        // Without a request key, KEYS[5] repeats a key of the same slot (cluster-safe) and ARGV[4] = 0 skips the check.
        requestKey?.key ?? this.keys.activeJobs()],
      [jobIdBase, rk, Date.parse(record.createdAt), requestKey ? Math.max(1, requestKey.ttlMs) : 0, ...encode({ ...record, journal })]) as [number, string];
    if (res[0] === 2) return { created: false, replayed: true };
    return res[0] === 1 ? { created: true, jobId: res[1] } : { created: false, holder: res[1] };
  }

  /** A record that claims nothing (preview): short-lived from the start. */
  async createDetached(record: JobRecord, journal: JobData): Promise<void> {
    const key = this.keys.record(record.jobId);
    await this.redis.multi().hset(key, ...encode({ ...record, journal })).pexpire(key, this.retentionMs).exec();
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const raw = await this.redis.hgetall(this.keys.record(jobId));
    return decode(raw, false)?.record;
  }

  async getWithJournal(jobId: string): Promise<{ record: JobRecord; journal?: JobData } | undefined> {
    return decode(await this.redis.hgetall(this.keys.record(jobId)), true);
  }

  async getApproval(jobId: string): Promise<{ exists: boolean; raw: string; approval?: ApprovalRequest }> {
    const key = this.keys.record(jobId);
    const [exists, raw] = await this.redis.multi().exists(key).hget(key, 'approval').exec() as [[null, number], [null, string | null]];
    const text = raw[1] ?? '';
    return { exists: exists[1] === 1, raw: text, approval: text ? JSON.parse(text) as ApprovalRequest : undefined };
  }

  /** Replaces `approval` only if it is still `expectedRaw` (the JSON text read before). */
  async casApproval(jobId: string, expectedRaw: string, next: ApprovalRequest): Promise<'ok' | 'conflict' | 'missing'> {
    const res = await casField.run(this.redis, [this.keys.record(jobId)],
      ['approval', expectedRaw, JSON.stringify(next), JSON.stringify(new Date().toISOString())]);
    return res === 1 ? 'ok' : res === -1 ? 'missing' : 'conflict';
  }

  async patch(jobId: string, fields: Fields): Promise<void> {
    const key = this.keys.record(jobId);
    const enc = encode({ ...fields, updatedAt: new Date().toISOString() });
    await this.redis.hset(key, ...enc);
  }

  /**
   * Writes the journal in one round trip, if the run still owns the job (`fence`, as Fencing.check): the BullMQ job
   * `jobKey`'s data and, with `record`, the record's fields (updatedAt too), new steps and copy of the journal.
   * 'ok', 'missing' (no such BullMQ job), or why the run lost the job ('fence', 'job-lock').
   */
  async writeJournal(fence: FenceInput, jobKey: string, journal: JobData, record?: { fields: Fields; steps?: StepTail }): Promise<string> {
    const f = fenceKeysArgs(this.keys, fence);
    const keys = [...f.keys, jobKey, ...(record ? [this.keys.record(fence.jobId)] : [])];
    const fields = record ? [...encode({ ...record.fields, updatedAt: new Date().toISOString() }), ...encodeSteps(record.steps)] : [];
    return String(await writeJournalScript.run(this.redis, keys, [...f.args, JSON.stringify(journal), ...fields]));
  }

  /** Writes the final fields (and the new `steps`), frees the instance and starts the retention clock. */
  async finish(jobId: string, regionId: string, instanceId: string | undefined, fields: Fields, steps?: StepTail): Promise<void> {
    const enc = [...encode({ ...fields, state: 'finished', updatedAt: new Date().toISOString() }), ...encodeSteps(steps)];
    // No instance (previews): a never-written key under the prefix, not '', which would hash to slot 0 and make the
    // script CROSSSLOT on a Redis Cluster; GET on it is nil, so nothing is released.
    await finishScript.run(this.redis,
      [this.keys.record(jobId), instanceId ? this.keys.activeFor(regionId, instanceId) : `${this.keys.prefix}:no-instance`, this.keys.activeJobs()],
      [jobId, this.retentionMs, ...enc]);
  }

  /** Frees the instance if this job still holds it (idempotent). */
  async releaseInstance(jobId: string, regionId: string, instanceId: string): Promise<void> {
    await releaseScript.run(this.redis, [this.keys.activeFor(regionId, instanceId), this.keys.activeJobs()], [jobId]);
  }

  async activeHolder(regionId: string, instanceId: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.activeFor(regionId, instanceId))) ?? undefined;
  }

  /** Which job holds each instance now, in one round trip; undefined where none does. */
  async activeHolders(regionId: string, instanceIds: string[]): Promise<(string | undefined)[]> {
    if (!instanceIds.length) return [];
    return (await this.redis.mget(...instanceIds.map((id) => this.keys.activeFor(regionId, id)))).map((v) => v ?? undefined);
  }

  async nextSeq(kind: string, regionId: string, instanceId: string): Promise<number> {
    return this.redis.incr(this.keys.seq(kind, regionId, instanceId));
  }

  /** The latest jobs of an instance, newest first; ids whose record has expired are pruned. */
  async byInstance(instanceId: string, limit = 10): Promise<JobRecord[]> {
    const idx = this.keys.byInstance(instanceId);
    const ids = await this.redis.zrevrange(idx, 0, limit * 2);
    const out: JobRecord[] = [];
    const gone: string[] = [];
    for (const id of ids) {
      const r = await this.get(id);
      if (r) out.push(r); else gone.push(id);
      if (out.length >= limit) break;
    }
    if (gone.length > 0) await this.redis.zrem(idx, ...gone);
    return out;
  }

  /** What a batch (or `status <batch>`) looks at in a job's record, for many jobs in one round trip; undefined = no record. */
  async peek(jobIds: string[]): Promise<(ChildView | undefined)[]> {
    if (!jobIds.length) return [];
    // One script call per chunk, not one pipelined HMGET per job: a batch of a thousand looks every few hundred ms,
    // and a thousand commands cost the client far more than one reply of a thousand arrays.
    const res: (string | null)[][] = [];
    for (let i = 0; i < jobIds.length; i += PEEK_CHUNK) {
      const ids = jobIds.slice(i, i + PEEK_CHUNK);
      res.push(...(await peekLua.run(this.redis, ids.map((id) => this.keys.record(id)), CHILD_FIELDS_WITH_ID) as (string | null)[][]));
    }
    return jobIds.map((_, k) => {
      const vals = res[k] ?? [];
      const [jobId, state, outcome, summary, approval, outcomeText] = vals.map((v) => {
        if (v === null) return undefined;
        try { return JSON.parse(v) as unknown; } catch { return undefined; }
      });
      if (jobId === undefined) return undefined;
      const view: ChildView = { state: (state ?? 'queued') as JobRecord['state'] };
      if (outcome !== undefined) view.outcome = outcome as JobOutcome;
      if (summary !== undefined) view.summary = summary as string;
      if (approval !== undefined) view.approval = approval as ApprovalRequest;
      if (outcomeText !== undefined) view.outcomeText = outcomeText as OutcomeText;
      return view;
    });
  }

  /** Drops a job from the unfinished set (its record is gone). */
  async forgetActive(jobId: string): Promise<void> {
    await this.redis.zrem(this.keys.activeJobs(), jobId);
  }

  /** Unfinished jobs, oldest first. */
  async activeIds(): Promise<string[]> {
    return this.redis.zrange(this.keys.activeJobs(), '0', '-1');
  }

  async active(): Promise<JobRecord[]> {
    const out: JobRecord[] = [];
    for (const id of await this.activeIds()) {
      const r = await this.get(id);
      if (r && r.state !== 'finished') out.push(r);
      else if (!r) await this.redis.zrem(this.keys.activeJobs(), id);
    }
    return out;
  }
}

/** The record in `raw`; its copy of the journal (the largest field) is parsed only `withJournal`. */
function decode(raw: Record<string, string>, withJournal: boolean): { record: JobRecord; journal?: JobData } | undefined {
  if (!raw || Object.keys(raw).length === 0 || raw.jobId === undefined) return undefined;
  const obj: Record<string, unknown> = {};
  let journal: JobData | undefined;
  const steps: [number, StepRecord][] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (k === JOURNAL && !withJournal) continue;
    try {
      const parsed = JSON.parse(v) as unknown;
      const step = STEP_FIELD.exec(k);
      if (step) steps.push([Number(step[1]), parsed as StepRecord]);
      else if (k === JOURNAL) journal = parsed as JobData; else obj[k] = parsed;
    } catch {
      // A field we cannot parse is left out rather than failing the whole status command.
    }
  }
  if (!Array.isArray(obj.steps)) obj.steps = [];
  const list = obj.steps as StepRecord[];
  for (const [i, st] of steps) list[i] = st;
  // An index never written (none should be) would read as a hole: left out.
  if (steps.length) obj.steps = list.filter((st) => st !== undefined);
  return { record: obj as unknown as JobRecord, journal };
}
