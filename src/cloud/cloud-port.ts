import type {
  CloudAssistantAgent, DnatEntry, DnatSpec, Eip, Instance, InvocationResult, NatGateway, NetworkInterface, SecurityGroup, SnatEntry, VSwitch,
} from '../domain/cloud-types.ts';

/**
 * Everything the engine needs from the cloud, in one small interface.
 * The Alibaba adapter implements it over the two official SDKs; nothing else in the product talks to the cloud.
 *
 * Conventions:
 * - Reads return [] / undefined for "not found" rather than throwing, except where noted.
 * - Writes take a `clientToken` where the API supports one, so a retried or resumed step is idempotent.
 * - Every failure is a `CloudError` (see errors.ts) that keeps the API's `code`, `requestId`, `action` and HTTP status.
 * - Every API call (including each poll of a waiter) is reported to the adapter's observers with its RequestId,
 *   which is how the engine puts RequestIds into the audit trail without threading them through return values.
 */
export interface CloudPort {
  readonly regionId: string;

  // ── reads ───────────────────────────────────────────────────────────────
  describeInstance(instanceId: string): Promise<Instance | undefined>;
  /** Every instance of a VPC (all pages). */
  listInstances(filter: { vpcId: string }): Promise<Instance[]>;
  /** EniQuantity of an instance type (primary ENI included), undefined when the type is unknown. */
  eniQuantity(instanceType: string): Promise<number | undefined>;
  listNetworkInterfaces(filter: {
    instanceId?: string; networkInterfaceIds?: string[]; vpcId?: string; tags?: Record<string, string>;
  }): Promise<NetworkInterface[]>;
  describeSecurityGroup(securityGroupId: string): Promise<SecurityGroup | undefined>;
  listVSwitches(filter: { vpcId: string }): Promise<VSwitch[]>;
  listNatGateways(filter: { vpcId?: string; natGatewayId?: string }): Promise<NatGateway[]>;
  /** Every entry of a forward (DNAT) table, all pages; optional server-side filters. */
  listForwardEntries(forwardTableId: string, filter?: { internalIp?: string; externalIp?: string; forwardEntryId?: string }): Promise<DnatEntry[]>;
  listSnatEntries(snatTableId: string): Promise<SnatEntry[]>;
  listEips(filter: { ipAddress?: string; allocationId?: string }): Promise<Eip[]>;

  // ── ENI lifecycle ───────────────────────────────────────────────────────
  createNetworkInterface(input: {
    vSwitchId: string; securityGroupIds: string[]; name?: string; description?: string;
    tags?: Record<string, string>; clientToken: string;
  }): Promise<NetworkInterface>;
  /** Starts an attach (async). Resolves when the API accepted it. */
  attachNetworkInterface(input: { networkInterfaceId: string; instanceId: string }): Promise<void>;
  /** Starts a detach (async). */
  detachNetworkInterface(input: { networkInterfaceId: string; instanceId: string }): Promise<void>;
  /** Starts a delete (async). */
  deleteNetworkInterface(input: { networkInterfaceId: string }): Promise<void>;
  /**
   * Waits until the ENI reaches `target` ('Gone' = no longer listed). Rejects with a CloudError coded
   * `WaitFailed` when a documented failure state shows up (e.g. back to Available after Attaching), or
   * `WaitTimeout` after `timeoutMs`.
   */
  waitNetworkInterface(networkInterfaceId: string, target: 'InUse' | 'Available' | 'Gone',
    opts?: WaitOptions & { instanceId?: string; attachRequested?: boolean }): Promise<NetworkInterface | undefined>;

  // ── instance power (--allow-stop) ──────────────────────────────────────
  /** StopInstance with StoppedMode=KeepCharging (async); an instance already Stopping or Stopped is done. */
  stopInstance?(input: { instanceId: string }): Promise<void>;
  /** StartInstance (async); an instance already Starting or Running is done. */
  startInstance?(input: { instanceId: string }): Promise<void>;
  /** Waits until the instance's status is `target`; stale reads of the status before are waited through. */
  waitInstance?(instanceId: string, target: 'Stopped' | 'Running', opts?: WaitOptions): Promise<Instance>;

  // ── DNAT ────────────────────────────────────────────────────────────────
  /** Starts the delete (async). */
  deleteForwardEntry(input: { forwardTableId: string; forwardEntryId: string; clientToken: string }): Promise<void>;
  /** Starts the create (async); returns the new entry's id. */
  createForwardEntry(input: DnatSpec & { clientToken: string }): Promise<string>;
  /**
   * Starts an in-place change (async: the entry is Pending, then Available with the new values; the mapping it had
   * keeps forwarding until then). Only the fields given change.
   */
  modifyForwardEntry(input: DnatModification & { clientToken: string }): Promise<void>;
  /** `expectInternalIp`: Available counts only once the entry maps to that IP (a read may still show the old one). */
  waitForwardEntry(forwardTableId: string, forwardEntryId: string, target: 'Available' | 'Gone',
    opts?: WaitOptions & { expectInternalIp?: string }): Promise<DnatEntry | undefined>;

  // ── Cloud Assistant ─────────────────────────────────────────────────────
  /** DescribeCloudAssistantStatus for these instances (≤ 50 per call); an instance not answered for is left out. */
  cloudAssistantStatus(instanceIds: string[]): Promise<CloudAssistantAgent[]>;
  /** Runs a shell script on one instance; returns the InvokeId. */
  runCommand(input: { instanceId: string; script: string; name?: string; timeoutSeconds?: number; clientToken: string; type?: CommandType }): Promise<string>;
  /** Waits for the invocation on that instance to reach a terminal status; output is decoded. */
  waitInvocation(invokeId: string, instanceId: string, opts?: WaitOptions): Promise<InvocationResult>;
  /** One invocation on up to 100 instances (a batch's guest reads); optional: without it, one invocation each. */
  runCommandOnMany?(input: { instanceIds: string[]; script: string; name?: string; timeoutSeconds?: number; clientToken: string }): Promise<string>;
  /** Every named instance's result once each is terminal. */
  waitInvocationOnMany?(invokeId: string, instanceIds: string[], opts?: WaitOptions): Promise<Map<string, InvocationResult>>;
}

/** Cloud Assistant's command types: shell on Linux, PowerShell on Windows. */
export type CommandType = 'RunShellScript' | 'RunPowerShellScript';

/** ModifyForwardEntry's request: the entry, and the fields to change. */
export interface DnatModification {
  forwardTableId: string;
  forwardEntryId: string;
  internalIp?: string;
  externalPort?: string;
  internalPort?: string;
  ipProtocol?: string;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** How long the transition usually takes; the first poll is scheduled from it, so waits end soon after the change. */
  expectedMs?: number;
  signal?: AbortSignal;
}

/** One API request as the adapter saw it: what the audit trail and the metrics are built from. */
export interface CloudCall {
  product: 'ecs' | 'vpc';
  action: string;
  requestId?: string;
  /** 'OK' on success, else the API error code; for transport failures the errno (e.g. 'ECONNREFUSED'), for timeouts 'RequestTimeout'. */
  code: string;
  httpStatus?: number;
  durationMs: number;
  attempt: number;
}

export type CloudCallObserver = (call: CloudCall) => void;
