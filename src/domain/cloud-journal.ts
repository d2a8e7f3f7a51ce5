// The cloud as the journal of last resort: the ENI a job creates carries, in its tags, everything needed to finish
// or undo the job if Redis loses the job's record (a node without persistence restarted, a failover to a replica
// that was behind, a FLUSHALL by mistake): the job, where its Slack thread is, and the definition of the original
// DNAT entry. Written with CreateNetworkInterface (Tag.N), so they exist before any destructive step.
//
// ECS tag limits (TagResources / CreateNetworkInterface Tag.N, https://www.alibabacloud.com/help/en/ecs/api-tagresources
// and the "Tag limits" section of ECS Limits): at most 20 tags per resource; a key is 1–128 characters, a value
// 0–128; neither may start with `aliyun` or `acs:` nor contain `http://` or `https://`. Our layout uses 13 keys.
import { sha256Hex } from './canonical.ts';
import type { DnatSpec } from './cloud-types.ts';
import type { CutoverMethod } from './steps.ts';

/** The deployment tag's value for a Redis key prefix: short, and free of characters a tag might not take. */
export function deploymentTag(prefix: string): string {
  return sha256Hex(`natmigrate-deployment|${prefix}`).slice(0, 12);
}

export const JOURNAL_TAGS = {
  job: 'natmigrate:job',
  instance: 'natmigrate:instance',
  version: 'natmigrate:v',
  thread: 'natmigrate:thread',
  cutover: 'natmigrate:cutover',
  forwardTable: 'natmigrate:ftb',
  forwardEntry: 'natmigrate:fwd',
  eip: 'natmigrate:eip',
  internalIp: 'natmigrate:iip',
  ports: 'natmigrate:ports',
  name: 'natmigrate:name',
  newPorts: 'natmigrate:newports',
  deployment: 'natmigrate:deploy',
} as const;

export const TAG_LIMITS = { perResource: 20, keyLength: 128, valueLength: 128 } as const;
const RESERVED = /^(aliyun|acs:)/i;
const URLISH = /https?:\/\//i;

/** What the ENI's tags say about the job that made it. */
export interface CloudJournal {
  jobId: string;
  instanceId: string;
  /** Slack channel id, and the thread's ts when it was known at submit time ("C123/1700000000.000100"). */
  thread?: { channelId: string; threadTs?: string };
  cutover: CutoverMethod;
  /** The original entry: its id, and exactly what CreateForwardEntry needs to put it back. */
  original: DnatSpec & { forwardEntryId: string };
  /** The ports of the new entries: 'any' (an IP mapping) or a list such as '22,443'. */
  newPorts: string;
  /**
   * Which deployment made it (a hash of its Redis key prefix): two deployments on one account, or two test runs
   * on one sandbox, each reconcile only their own ENIs.
   */
  deployment: string;
}

/** A value as a tag can hold it: reserved prefixes and URLs escaped, cut to the limit (marked with '…'). */
function tagValue(v: string): string {
  let out = RESERVED.test(v) || v.startsWith('~') ? `~${v}` : v;
  out = out.replace(/(https?):\/\//gi, '$1:⁄⁄');
  return out.length > TAG_LIMITS.valueLength ? `${out.slice(0, TAG_LIMITS.valueLength - 1)}…` : out;
}

function untagValue(v: string): string {
  const out = v.replace(/(https?):⁄⁄/gi, '$1://');
  return out.startsWith('~') ? out.slice(1) : out;
}

/** The journal as tags (keys and values within the ECS limits). */
export function journalTags(j: CloudJournal): Record<string, string> {
  const o = j.original;
  const tags: Record<string, string> = {
    [JOURNAL_TAGS.job]: j.jobId,
    [JOURNAL_TAGS.instance]: j.instanceId,
    [JOURNAL_TAGS.version]: '1',
    [JOURNAL_TAGS.cutover]: j.cutover,
    [JOURNAL_TAGS.forwardTable]: o.forwardTableId,
    [JOURNAL_TAGS.forwardEntry]: o.forwardEntryId,
    [JOURNAL_TAGS.eip]: o.externalIp,
    [JOURNAL_TAGS.internalIp]: o.internalIp,
    [JOURNAL_TAGS.ports]: `${o.externalPort}/${o.internalPort}/${o.ipProtocol}`,
    [JOURNAL_TAGS.newPorts]: j.newPorts,
    [JOURNAL_TAGS.deployment]: j.deployment,
  };
  if (j.thread) tags[JOURNAL_TAGS.thread] = j.thread.threadTs ? `${j.thread.channelId}/${j.thread.threadTs}` : j.thread.channelId;
  if (o.forwardEntryName) tags[JOURNAL_TAGS.name] = o.forwardEntryName;
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, tagValue(v)]));
}

/** Problems with a tag set against the ECS limits (empty = valid). */
export function tagProblems(tags: Record<string, string>): string[] {
  const out: string[] = [];
  const keys = Object.keys(tags);
  if (keys.length > TAG_LIMITS.perResource) out.push(`${keys.length} tags (at most ${TAG_LIMITS.perResource})`);
  for (const [k, v] of Object.entries(tags)) {
    if (!k || k.length > TAG_LIMITS.keyLength || RESERVED.test(k) || URLISH.test(k)) out.push(`key ${JSON.stringify(k)}`);
    if (v.length > TAG_LIMITS.valueLength || RESERVED.test(v) || URLISH.test(v)) out.push(`value of ${k}`);
  }
  return out;
}

/** The journal read back from an ENI's tags, or undefined when they are not a complete natmigrate journal. */
export function readJournal(tags: Record<string, string>): CloudJournal | undefined {
  const t = (k: keyof typeof JOURNAL_TAGS) => {
    const v = tags[JOURNAL_TAGS[k]];
    return v === undefined ? undefined : untagValue(v);
  };
  const [jobId, instanceId, ftb, fwd, eip, iip, ports, cutover] = [t('job'), t('instance'), t('forwardTable'), t('forwardEntry'), t('eip'), t('internalIp'), t('ports'), t('cutover')];
  if (t('version') !== '1' || !jobId || !instanceId || !ftb || !fwd || !eip || !iip || !ports) return undefined;
  if (cutover !== 'modify' && cutover !== 'recreate') return undefined;
  const [externalPort, internalPort, ipProtocol] = ports.split('/');
  if (!externalPort || !internalPort || !ipProtocol) return undefined;
  const name = t('name');
  const thread = t('thread');
  const [channelId, threadTs] = thread ? thread.split('/') : [];
  return {
    jobId, instanceId, cutover, newPorts: t('newPorts') ?? 'any', deployment: t('deployment') ?? '',
    ...(channelId ? { thread: { channelId, ...(threadTs ? { threadTs } : {}) } } : {}),
    original: {
      forwardEntryId: fwd, forwardTableId: ftb, externalIp: eip, internalIp: iip, externalPort, internalPort, ipProtocol,
      ...(name && !name.endsWith('…') ? { forwardEntryName: name } : {}),
    },
  };
}
