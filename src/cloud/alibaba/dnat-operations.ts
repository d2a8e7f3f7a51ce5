// DNAT entries of a NAT gateway's forward table: list, create, delete, and the waits between. Create and delete
// carry a ClientToken; a delete of an entry that is already gone counts as done.
import { vpcSdk as $Vpc } from './sdk.ts';
import { isCloudError } from '../cloud-error.ts';
import type { DnatEntry, DnatSpec } from '../../domain/cloud-types.ts';
import type { DnatModification } from '../cloud-port.ts';
import type { AlibabaSession, WaitExtras } from './alibaba-session.ts';
import { checkToken } from './alibaba-session.ts';
import type { Recovery } from './call.ts';
import { mapForwardEntry } from './map.ts';
import { pollUntil } from './waiters.ts';
import { dnatJudge } from './wait-verdicts.ts';

const DNAT_GONE = new Set(['InvalidForwardEntryId.NotFound', 'ResourceNotFound.ForwardEntry', 'InvalidForwardTableId.NotFound']);

export class DnatOperations {
  constructor(private readonly s: AlibabaSession) {}

  async list(
    forwardTableId: string,
    filter: { internalIp?: string; externalIp?: string; forwardEntryId?: string } = {},
    opts: { signal?: AbortSignal } = {},
  ): Promise<DnatEntry[]> {
    const raw = await this.s.pagesByNumber('DescribeForwardTableEntries', (page) => this.s.vpc.describeForwardTableEntries(new $Vpc.DescribeForwardTableEntriesRequest({
      regionId: this.s.regionId, forwardTableId, internalIp: filter.internalIp, externalIp: filter.externalIp, forwardEntryId: filter.forwardEntryId, ...page,
    })), (b) => b.forwardTableEntries?.forwardTableEntry, opts);
    return raw.map(mapForwardEntry);
  }

  async delete(input: { forwardTableId: string; forwardEntryId: string; clientToken: string }): Promise<void> {
    checkToken('DeleteForwardEntry', input.clientToken);
    const req = new $Vpc.DeleteForwardEntryRequest({
      regionId: this.s.regionId, forwardTableId: input.forwardTableId, forwardEntryId: input.forwardEntryId, clientToken: input.clientToken,
    });
    await this.s.call('DeleteForwardEntry', () => this.s.vpc.deleteForwardEntry(req), {
      // Already gone = deleted (terraform does the same). One IncorretForwardEntryStatus message also means "not exist".
      recover: async (err): Promise<Recovery<unknown>> =>
        DNAT_GONE.has(err.code) || /not exist/i.test(err.message) ? { done: true, value: undefined } : { done: false },
    });
  }

  async create(input: DnatSpec & { clientToken: string }): Promise<string> {
    checkToken('CreateForwardEntry', input.clientToken);
    // DnatSpec's fields are the request's own names.
    const req = new $Vpc.CreateForwardEntryRequest({ regionId: this.s.regionId, ...input });
    const res = await this.s.callRequiring('CreateForwardEntry', () => this.s.vpc.createForwardEntry(req), (b) => b?.forwardEntryId, 'ForwardEntryId');
    return res.body!.forwardEntryId!;
  }

  async modify(input: DnatModification & { clientToken: string }): Promise<void> {
    checkToken('ModifyForwardEntry', input.clientToken);
    const req = new $Vpc.ModifyForwardEntryRequest({ regionId: this.s.regionId, ...input });
    await this.s.call('ModifyForwardEntry', () => this.s.vpc.modifyForwardEntry(req));
  }

  async wait(
    forwardTableId: string,
    forwardEntryId: string,
    target: 'Available' | 'Gone',
    opts: { timeoutMs?: number; signal?: AbortSignal; expectInternalIp?: string } & WaitExtras = {},
  ): Promise<DnatEntry | undefined> {
    const judge = dnatJudge(target, opts.expectInternalIp, this.s.schedule.staleGraceMs);
    return pollUntil({
      action: 'DescribeForwardTableEntries',
      what: `DNAT entry ${forwardEntryId} to be ${target}`,
      poll: async () => {
        try {
          const list = await this.list(forwardTableId, { forwardEntryId }, { signal: opts.signal });
          return list.find((e) => e.forwardEntryId === forwardEntryId);
        } catch (e) {
          // A table that is gone holds no entries; an entry the read calls unknown is gone (older terraform path).
          if (target === 'Gone' && isCloudError(e) && (e.code === 'InvalidForwardTableId.NotFound' || e.code === 'InvalidForwardEntryId.NotFound')) return undefined;
          throw e;
        }
      },
      judge,
      timeoutMs: opts.timeoutMs,
      expectedMs: opts.expectedMs,
      signal: opts.signal,
      schedule: this.s.schedule,
      dueLag: { lag: this.s.dueLag, key: `forward-entry:${target}` },
    });
  }
}
