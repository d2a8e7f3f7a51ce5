// Validators for Alibaba Cloud resource ids as people type them, and the job id format.
//
// Alibaba resource ids and region ids are lower-case and case-sensitive, so we do not fold case: `I-BP1…`
// is reported as malformed (with a hint) rather than silently lower-cased into someone else's instance.

export type ResourceKind = 'instance' | 'natGateway' | 'vpc' | 'eni' | 'vSwitch' | 'securityGroup';

/** The prefix of each kind's ids (what people call each kind is in the message catalog, per language). */
export const RESOURCE_ID_PREFIX: Readonly<Record<ResourceKind, string>> = {
  instance: 'i', natGateway: 'ngw', vpc: 'vpc', eni: 'eni', vSwitch: 'vsw', securityGroup: 'sg',
};

// Real ids carry ~20 lower-case alphanumerics after the prefix (older ones fewer); 6..32 accepts both while
// rejecting obvious typos such as `i-123`.
const BODY = '[a-z0-9]{6,32}';
const PATTERNS: Record<ResourceKind, RegExp> = Object.fromEntries(
  (Object.keys(RESOURCE_ID_PREFIX) as ResourceKind[]).map((k) => [k, new RegExp(`^${RESOURCE_ID_PREFIX[k]}-${BODY}$`)]),
) as Record<ResourceKind, RegExp>;

function isResourceId(kind: ResourceKind, s: string): boolean {
  return PATTERNS[kind].test(s);
}
export const isInstanceId = (s: string): boolean => isResourceId('instance', s);
export const isNatGatewayId = (s: string): boolean => isResourceId('natGateway', s);
export const isVpcId = (s: string): boolean => isResourceId('vpc', s);
export const isEniId = (s: string): boolean => isResourceId('eni', s);

/** Which kind of id this looks like (exact match), if any. */
export function resourceKindOf(s: string): ResourceKind | undefined {
  return (Object.keys(PATTERNS) as ResourceKind[]).find((k) => PATTERNS[k].test(s));
}

/** What is wrong with an id or a region id someone gave, as facts (the catalog words it); `shown`: as typed, truncated. */
export type IdProblem =
  | { problem: 'upper_case'; kind: ResourceKind | 'region'; shown: string; lower: string }
  | { problem: 'other_kind'; kind: ResourceKind; shown: string; other: ResourceKind }
  | { problem: 'malformed'; kind: ResourceKind | 'region'; shown: string }
  /** A well-formed region this deployment has no cloud for. */
  | { problem: 'not_configured'; kind: 'region'; shown: string; configured: string[] };

/** Why `s` is not a valid id of `kind`; undefined when it is valid. */
export function idProblem(kind: ResourceKind, s: string): IdProblem | undefined {
  if (isResourceId(kind, s)) return undefined;
  const shown = truncateForMessage(s);
  if (isResourceId(kind, s.toLowerCase())) return { problem: 'upper_case', kind, shown, lower: s.toLowerCase() };
  const other = resourceKindOf(s);
  if (other && other !== kind) return { problem: 'other_kind', kind, shown, other };
  return { problem: 'malformed', kind, shown };
}

export function truncateForMessage(s: string, max = 60): string {
  const clean = s.replace(/[`\u0000-\u001f\u007f]/g, '');
  if (clean.length <= max) return clean;
  // Never half a surrogate pair.
  const cut = /[\uD800-\uDBFF]/.test(clean.charAt(max - 1)) ? clean.slice(0, max - 1) : clean.slice(0, max);
  return `${cut}…`;
}

// ── regions ────────────────────────────────────────────────────────────────
// cn-hangzhou, ap-southeast-1, us-west-1, cn-shanghai-finance-1, cn-north-2-gov-1, cn-zhengzhou-jva.
// An area of 2–3 letters, a name of 3+ letters, then up to three suffixes: a number or a word. Suffix words are
// 4+ letters, or one of the short ones Alibaba uses (gov, jva): a 3-letter suffix such as "vpc" or "ngw" would make
// `<kind>-<region>-<token>` job ids ambiguous with `<kind>-<region>-<resource id>`. This one pattern is the
// definition: isRegionId tests it, and the property test generates regions from it.
export const REGION_ID = /^[a-z]{2,3}-[a-z]{3,16}(?:-(?:[0-9]{1,3}|[a-z]{4,16}|gov|jva)){0,3}$/;

export function isRegionId(s: string): boolean {
  return REGION_ID.test(s);
}

export function regionProblem(s: string): IdProblem | undefined {
  if (isRegionId(s)) return undefined;
  const shown = truncateForMessage(s);
  if (isRegionId(s.toLowerCase())) return { problem: 'upper_case', kind: 'region', shown, lower: s.toLowerCase() };
  return { problem: 'malformed', kind: 'region', shown };
}

// ── job ids ────────────────────────────────────────────────────────────────
// BullMQ refuses custom ids containing ':' and ids that are digits only; `<kind>-<region>-<key>` has neither.

export type JobIdKind = 'migrate' | 'rollback' | 'preview' | 'batch' | 'scan' | 'drift';
const JOB_KINDS: readonly JobIdKind[] = ['migrate', 'rollback', 'preview', 'batch', 'scan', 'drift'];

const RESOURCE_KEY = /^[a-z]+-[a-z0-9]+$/;
const TOKEN_KEY = /^[A-Za-z0-9_.]{1,64}$/;
const KNOWN_PREFIXES = Object.values(RESOURCE_ID_PREFIX);

function isJobKey(key: string): boolean {
  if (TOKEN_KEY.test(key)) return true;
  return RESOURCE_KEY.test(key) && KNOWN_PREFIXES.includes(key.slice(0, key.indexOf('-'))) && key.length <= 64;
}

/**
 * `migrate-cn-hangzhou-i-bp1abc…`. `idOrKey` is a resource id (instance for migrate/rollback, NAT gateway or VPC
 * for a batch) or a plain token without '-' (letters, digits, '_', '.'), e.g. a batch hash.
 * Throws on inputs that could not be parsed back (a programming error, not user input).
 */
export function jobIdFor(kind: JobIdKind, region: string, idOrKey: string): string {
  if (!JOB_KINDS.includes(kind)) throw new Error(`unknown job kind '${String(kind)}'`);
  if (!isRegionId(region)) throw new Error(`invalid region id '${region}' for a job id`);
  if (!isJobKey(idOrKey)) throw new Error(`invalid job key '${idOrKey}': expected a resource id (i-…, ngw-…, vpc-…) or a token of letters, digits, '_' and '.'`);
  return `${kind}-${region}-${idOrKey}`;
}

export interface ParsedJobId {
  kind: JobIdKind;
  region: string;
  key: string;
  /** Set when the key is an ECS instance id. */
  instanceId?: string;
  /** The engine's per-instance counter (`migrate-<region>-<instance>-<seq>`), when present. */
  seq?: number;
}

export function parseJobId(s: string): ParsedJobId | undefined {
  if (typeof s !== 'string' || s.length > 160) return undefined;
  const dash = s.indexOf('-');
  if (dash < 0) return undefined;
  const kind = s.slice(0, dash) as JobIdKind;
  if (!JOB_KINDS.includes(kind)) return undefined;
  let rest = s.slice(dash + 1);
  // The engine appends a counter to resource keys (`…-i-bp1abc-3`); a bare number is not a resource body, so
  // "resource id, then -<digits>" is unambiguous. Token keys keep their old meaning (no counter).
  let seq: number | undefined;
  const counted = /-([a-z]+-[a-z0-9]+)-(\d{1,9})$/.exec(rest);
  if (counted && KNOWN_PREFIXES.includes(counted[1]!.slice(0, counted[1]!.indexOf('-'))) && isJobKey(counted[1]!)) {
    seq = Number(counted[2]);
    rest = rest.slice(0, rest.length - counted[2]!.length - 1);
  }
  // Key = trailing resource id with a known prefix, else the last '-'-separated segment.
  const resource = /-([a-z]+-[a-z0-9]+)$/.exec(rest);
  let region: string;
  let key: string;
  if (resource && KNOWN_PREFIXES.includes(resource[1]!.slice(0, resource[1]!.indexOf('-')))) {
    key = resource[1]!;
    region = rest.slice(0, rest.length - key.length - 1);
  } else {
    const last = rest.lastIndexOf('-');
    if (last < 0) return undefined;
    key = rest.slice(last + 1);
    region = rest.slice(0, last);
  }
  if (!isRegionId(region) || !isJobKey(key)) return undefined;
  const out: ParsedJobId = { kind, region, key };
  if (isInstanceId(key)) out.instanceId = key;
  if (seq !== undefined) out.seq = seq;
  return out;
}

export function isJobId(s: string): boolean {
  return parseJobId(s) !== undefined;
}
