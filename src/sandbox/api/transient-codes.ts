// The realism layer's transient codes: at `realism.transientRate`, a call is answered with one of the busy/conflict
// codes the real API gives that action under load, or with ServiceUnavailable. Sources per action in docs/sandbox.md
// ("Realism layer"): terraform-provider-alicloud retries exactly these (resource_alicloud_forward_entry.go,
// service_alicloud_nat_gateway_v2.go, errors.go NetworkInterfaceInvalidOperations / NeedRetry), terway retries
// Operation.Conflict. A busy code means nothing was applied. ServiceUnavailable on a write that carries a
// ClientToken is sometimes sent after the write was applied (the answer was lost): only the token makes the retry safe.
import { ApiError, defaultMessageFor } from '../api-error.ts';
import type { World } from '../model/world.ts';
import { mulberry32 } from '../seeded-random.ts';

interface Busy { code: string; status: number; message: string }

const busy = (code: string, status: number, message: string): Busy => ({ code, status, message });
const OPERATION_CONFLICT = busy('OperationConflict', 400, 'Request was denied due to conflict with a previous request, please try again later.');
const TASK_CONFLICT = busy('TaskConflict', 400, 'The operation conflicts with a task in progress, please try again later.');
const ENI_CONFLICT = busy('Operation.Conflict', 403, 'The specified ENI is processing another task.');

/** Busy codes per action, besides ServiceUnavailable which any call may get. */
const BUSY_CODES: Record<string, Busy[]> = {
  CreateForwardEntry: [OPERATION_CONFLICT, TASK_CONFLICT, busy('IncorrectStatus', 400, 'The current status of the resource does not support this operation.')],
  ModifyForwardEntry: [busy('IncorretForwardEntryStatus', 400, 'The specified forwardEntry is not stable status, can not operation')],
  DeleteForwardEntry: [OPERATION_CONFLICT, busy('IncorrectStatus.NATGW', 400, 'The status of the NAT gateway does not support this operation.')],
  DescribeForwardTableEntries: [TASK_CONFLICT],
  CreateNetworkInterface: [OPERATION_CONFLICT],
  AttachNetworkInterface: [ENI_CONFLICT, OPERATION_CONFLICT],
  DetachNetworkInterface: [ENI_CONFLICT, OPERATION_CONFLICT],
  DeleteNetworkInterface: [ENI_CONFLICT, OPERATION_CONFLICT],
};

export interface TransientOutcome {
  /** Answer this instead of running the call. */
  before?: ApiError;
  /** Run the call, then answer this (the answer was lost). */
  after?: ApiError;
}

export class TransientCodes {
  private readonly rand: () => number;

  constructor(private readonly world: World, seed: number) {
    this.rand = mulberry32(seed * 104729 + 31);
  }

  /** Whether this call gets a transient answer, and when. `tokened`: a write carrying a ClientToken. */
  draw(action: string, tokened: boolean): TransientOutcome {
    if (!this.world.on('transientCodes') || this.rand() >= this.world.realism.transientRate) return {};
    const choices = BUSY_CODES[action] ?? [];
    const pick = Math.floor(this.rand() * (choices.length + 1));
    const b = choices[pick];
    if (b) return { before: new ApiError(b.code, b.status, b.message) };
    const unavailable = new ApiError('ServiceUnavailable', 503, defaultMessageFor('ServiceUnavailable'));
    return tokened && this.rand() < 0.5 ? { after: unavailable } : { before: unavailable };
  }
}
