// How an API handler reads its request: the flattened query parameters (`Name.N`, `Tag.N.Key`, JSON lists), with
// the API's MissingParameter / InvalidParameter answers; and what a handler is.
import { ApiError, err } from '../api-error.ts';
import type { World } from '../model/world.ts';

export type Params = Record<string, string>;
interface CallContext {
  world: World;
  params: Params;
  /** Fault injection asked for the asynchronous part of this call to fail. */
  asyncFailure: boolean;
}
export type Handler = (ctx: CallContext) => Record<string, unknown>;

/** A mandatory parameter. */
export const req = (p: Params, name: string): string => {
  const v = p[name];
  if (v === undefined || v === '') throw err.missing(name);
  return v;
};
/** `Name.1`, `Name.2`, … in index order. */
export function list(p: Params, name: string): string[] {
  const out: [number, string][] = [];
  const re = new RegExp(`^${name.replace('.', '\\.')}\\.(\\d+)$`);
  for (const [k, v] of Object.entries(p)) { const m = re.exec(k); if (m) out.push([Number(m[1]), v]); }
  return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}
/** `Tag.N.Key` / `Tag.N.Value` pairs. */
function tags(p: Params, name = 'Tag'): { key: string; value: string }[] {
  const byIdx = new Map<number, { key?: string; value?: string }>();
  const re = new RegExp(`^${name}\\.(\\d+)\\.(Key|Value)$`);
  for (const [k, v] of Object.entries(p)) {
    const m = re.exec(k);
    if (!m) continue;
    const e = byIdx.get(Number(m[1])) ?? {};
    if (m[2] === 'Key') e.key = v; else e.value = v;
    byIdx.set(Number(m[1]), e);
  }
  return [...byIdx.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => ({ key: e.key ?? '', value: e.value ?? '' }));
}
/** Tags to set, checked like TagResources / CreateNetworkInterface check them. */
export function validTags(p: Params): Record<string, string> {
  const out: Record<string, string> = {};
  const t = tags(p);
  if (t.length > 20) throw new ApiError('QuotaExceed.Tags', 400, 'The maximum number of tags is exceeded.');
  for (const { key, value } of t) {
    if (!key || key.length > 128 || /^(aliyun|acs:)/i.test(key) || /https?:\/\//.test(key)) throw new ApiError('InvalidTagKey.Malformed', 400, 'The specified Tag.n.Key is not valid.');
    if (value.length > 128 || /^(aliyun|acs:)/i.test(value)) throw new ApiError('InvalidTagValue.Malformed', 400, 'The specified Tag.n.Value is not valid.');
    if (key in out) throw new ApiError('Duplicate.TagKey', 400, 'The Tag.N.Key contain duplicate key.');
    out[key] = value;
  }
  return out;
}
/** An optional integer parameter within [min, max]. */
export function int(p: Params, name: string, def: number, min: number, max: number, code = 'InvalidParameter', status = 400): number {
  const raw = p[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ApiError(code, status, `The specified parameter "${name}" is not valid. It must be an integer from ${min} to ${max}.`);
  }
  return n;
}
/** A JSON-array parameter (DescribeInstances InstanceIds, …). */
export function jsonList(p: Params, name: string, max = 100): string[] | undefined {
  const raw = p[name];
  if (raw === undefined || raw === '') return undefined;
  let v: unknown;
  try { v = JSON.parse(raw); } catch { v = undefined; }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ApiError(`Invalid${name}.Malformed`, 400, `The specified parameter "${name}" is not a valid JSON array of strings.`);
  if (v.length > max) throw new ApiError(`Invalid${name}.Malformed`, 400, `The specified parameter "${name}" holds more than ${max} items.`);
  return v as string[];
}
/** An optional filter: absent or empty matches everything, otherwise case-insensitive equality. */
export const eqi = (a: string | undefined, b: string) => a === undefined || a === '' || a.toLowerCase() === b.toLowerCase();
/** The Tag.N filter: every tag asked for is present (with that value, when one is given). */
export function hasTags(p: Params, actual: Record<string, string>): boolean {
  return tags(p).every(({ key, value }) => key in actual && (value === '' || actual[key] === value));
}
/** A name filter with `*` wildcards (DescribeInstances InstanceName). */
export function globMatch(pattern: string, s: string): boolean {
  if (!pattern.includes('*')) return pattern === s;
  return new RegExp(`^${pattern.split('*').map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(s);
}
