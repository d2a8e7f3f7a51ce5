// Instance families that take a secondary ENI only while the instance is Stopped. The SDK remark on
// AttachNetworkInterface says "Some instance types require the instance to be in the Stopped state", pointing to the
// "ECS instance types that require instance stop" section of "Attach an ENI" (help.aliyun.com/document_detail/58503),
// which lists families including s6, e, t5, t6, n4, mn4, xn4 and e4; the docs list more older families than these.
// The sandbox keeps its own copy of this list (src/sandbox/model/stopped-attach-families.ts).

export const STOPPED_ATTACH_FAMILIES: readonly string[] = ['ecs.s6', 'ecs.e', 'ecs.t5', 'ecs.t6', 'ecs.n4', 'ecs.mn4', 'ecs.xn4', 'ecs.e4'];

/** The family of an instance type: `ecs.t5-lc1m1.small` → `ecs.t5`, `ecs.n4.large` → `ecs.n4`, `ecs.g7.large` → `ecs.g7`. */
export function instanceFamily(instanceType: string): string {
  const m = /^(ecs\.[a-z0-9]+?)(?:-[^.]*)?\./i.exec(instanceType);
  return (m?.[1] ?? instanceType.split('.').slice(0, 2).join('.')).toLowerCase();
}

export function attachesOnlyWhenStopped(instanceType: string): boolean {
  return STOPPED_ATTACH_FAMILIES.includes(instanceFamily(instanceType));
}

/** The AttachRequiresStop refusal's sentence, or (with --allow-stop) the plan's warning. */
export function stopAttachText(instanceId: string, instanceType: string, allowStop: boolean): string {
  const what = `Instance ${instanceId} is of type ${instanceType} (family ${instanceFamily(instanceType)}), which takes a secondary ENI only while Stopped`;
  return allowStop
    ? `${what}: after the approval it will be STOPPED (StopInstance, KeepCharging), the ENI attached, and STARTED again; it does not answer in between.`
    : `${what}; natmigrate stops a running instance only when asked: run again with --allow-stop (it is stopped and started after the approval), or attach an ENI by hand in a maintenance window, or change its instance type.`;
}
