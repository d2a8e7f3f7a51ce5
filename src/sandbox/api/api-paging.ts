// Paging of Describe* answers: PageNumber/PageSize with TotalCount, or NextToken/MaxResults (token mode, chosen
// when the caller sends either). Limits per API are in docs/sandbox.md.
import { ApiError } from '../api-error.ts';
import { int, type Params } from './request-params.ts';

interface PageOpts { maxSize: number; defSize?: number; code?: string; status?: number }
interface TokenOpts { min?: number; max: number; def: number; code?: string; status?: number }

export function pageNumbered<T>(items: T[], p: Params, o: PageOpts): { page: T[]; meta: { TotalCount: number; PageNumber: number; PageSize: number } } {
  const size = int(p, 'PageSize', o.defSize ?? 10, 1, o.maxSize, o.code ? `${o.code}.PageSize` : 'InvalidParameter', o.status);
  const num = int(p, 'PageNumber', 1, 1, 1_000_000, o.code ? `${o.code}.PageNumber` : 'InvalidParameter', o.status);
  return { page: items.slice((num - 1) * size, num * size), meta: { TotalCount: items.length, PageNumber: num, PageSize: size } };
}

const encodeToken = (offset: number) => Buffer.from(JSON.stringify({ o: offset, v: 1 })).toString('base64url');
function decodeToken(token: string): number {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0) return v.o;
  } catch { /* fall through */ }
  throw new ApiError('InvalidParameter', 400, 'The specified parameter "NextToken" is not valid.');
}

export function tokenPaged<T>(items: T[], p: Params, o: TokenOpts): { page: T[]; next: string } {
  const size = int(p, 'MaxResults', o.def, o.min ?? 1, o.max, o.code ? `${o.code}.MaxResults` : 'InvalidParameter', o.status);
  const start = p.NextToken ? decodeToken(p.NextToken) : 0;
  const page = items.slice(start, start + size);
  return { page, next: start + size < items.length ? encodeToken(start + size) : '' };
}

export const tokenMode = (p: Params) => (p.NextToken !== undefined && p.NextToken !== '') || (p.MaxResults !== undefined && p.MaxResults !== '');

/** Either paging mode; `meta` (TotalCount, NextToken, and PageNumber/PageSize in page mode) goes in front of the list. */
export function pagedEitherWay<T>(items: T[], p: Params, token: TokenOpts, numbered: PageOpts): { page: T[]; meta: Record<string, unknown> } {
  if (tokenMode(p)) {
    const { page, next } = tokenPaged(items, p, token);
    return { page, meta: { TotalCount: items.length, NextToken: next } };
  }
  const { page, meta } = pageNumbered(items, p, numbered);
  return { page, meta: { ...meta, NextToken: '' } };
}
