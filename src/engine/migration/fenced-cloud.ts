import type { CloudPort } from '../../cloud/cloud-port.ts';

/** Which writes change the forward table (their fence also checks the table lock). */
export type FenceScope = 'job' | 'table';

/**
 * The cloud as a step sees it: every write first passes the run's fence (fencing.ts), right before the call and
 * after the reads it depends on, so a run that lost its job between its read and its write does not write.
 * Reads and waits go straight through: a stale run may look, never touch.
 */
export function fencedCloud(cloud: CloudPort, fence: (what: string, scope: FenceScope) => Promise<void>): CloudPort {
  const writes: Partial<CloudPort> = {
    createNetworkInterface: async (i) => { await fence('CreateNetworkInterface', 'job'); return cloud.createNetworkInterface(i); },
    attachNetworkInterface: async (i) => { await fence('AttachNetworkInterface', 'job'); return cloud.attachNetworkInterface(i); },
    detachNetworkInterface: async (i) => { await fence('DetachNetworkInterface', 'job'); return cloud.detachNetworkInterface(i); },
    deleteNetworkInterface: async (i) => { await fence('DeleteNetworkInterface', 'job'); return cloud.deleteNetworkInterface(i); },
    deleteForwardEntry: async (i) => { await fence('DeleteForwardEntry', 'table'); return cloud.deleteForwardEntry(i); },
    createForwardEntry: async (i) => { await fence('CreateForwardEntry', 'table'); return cloud.createForwardEntry(i); },
    modifyForwardEntry: async (i) => { await fence('ModifyForwardEntry', 'table'); return cloud.modifyForwardEntry(i); },
    runCommand: async (i) => { await fence('RunCommand', 'job'); return cloud.runCommand(i); },
  };
  return new Proxy(cloud, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in writes) return writes[prop as keyof CloudPort];
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
