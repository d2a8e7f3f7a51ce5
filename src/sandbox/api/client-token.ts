// ClientToken idempotency (CreateNetworkInterface, RunCommand, CreateForwardEntry, ModifyForwardEntry, DeleteForwardEntry): a retry with
// the same token and parameters gets the first answer again; only successful calls are remembered.
import { ApiError, err } from '../api-error.ts';
import type { World } from '../model/world.ts';
import type { Params } from './request-params.ts';

/** Actions whose ClientToken makes them idempotent. */
const CLIENT_TOKEN_ACTIONS = new Set(['CreateNetworkInterface', 'RunCommand', 'CreateForwardEntry', 'ModifyForwardEntry', 'DeleteForwardEntry']);

/** ClientToken: same token + same parameters → the first answer again; different parameters → 403. */
export function idempotent(world: World, action: string, params: Params, run: () => Record<string, unknown>): Record<string, unknown> {
  const token = params.ClientToken;
  if (!token || !CLIENT_TOKEN_ACTIONS.has(action)) return run();
  if (token.length > 64 || !/^[\x20-\x7e]+$/.test(token)) throw err.invalid('ClientToken', 'At most 64 ASCII characters.');
  const fingerprint = JSON.stringify(Object.entries(params).filter(([k]) => k !== 'ClientToken').sort(([a], [b]) => (a < b ? -1 : 1)));
  const key = `${action}|${token}`;
  const prior = world.clientTokens.get(key);
  if (prior) {
    if (prior.fingerprint !== fingerprint) {
      throw new ApiError('IdempotentParameterMismatch', 403, 'The specified parameter has changed while using an already used clientToken.');
    }
    return prior.body;
  }
  const body = run();
  world.clientTokens.set(key, { fingerprint, body });
  return body;
}
