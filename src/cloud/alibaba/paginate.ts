import { CloudError } from '../cloud-error.ts';

/** Hard stop against a server that never ends a listing (a loop of NextTokens, a lying TotalCount). */
const MAX_PAGES = 1000;

/** NextToken/MaxResults listing: ask until the answer carries no NextToken. */
export async function paginateByToken<T>(
  action: string,
  fetchPage: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken?: string }>,
): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { items, nextToken } = await fetchPage(token);
    all.push(...items);
    if (!nextToken) return all;
    if (seen.has(nextToken)) throw badPaging(action, `NextToken ${nextToken} came back twice`);
    seen.add(nextToken);
    token = nextToken;
  }
  throw badPaging(action, `more than ${MAX_PAGES} pages`);
}

/** PageNumber/PageSize listing: ask page after page until TotalCount is reached or a page comes back short. */
export async function paginateByPage<T>(
  action: string,
  pageSize: number,
  fetchPage: (pageNumber: number, pageSize: number) => Promise<{ items: T[]; totalCount?: number }>,
): Promise<T[]> {
  const all: T[] = [];
  for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber++) {
    const { items, totalCount } = await fetchPage(pageNumber, pageSize);
    all.push(...items);
    if (items.length === 0) return all;
    if (totalCount !== undefined ? all.length >= totalCount : items.length < pageSize) return all;
  }
  throw badPaging(action, `more than ${MAX_PAGES} pages`);
}

function badPaging(action: string, why: string): CloudError {
  return new CloudError({ code: 'BadResponse', action, message: `${action} failed: BadResponse — paging does not end (${why})` });
}

/** Splits ids into chunks the API accepts in one request (e.g. 100 NetworkInterfaceId.N). */
export function chunk<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
