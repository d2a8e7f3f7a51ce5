// --allow-stop: an instance whose family takes a secondary ENI only while Stopped is stopped after the approval, the
// ENI attached (stage-steps.ts), and the instance started again. Each step reads the instance first, so a resumed
// step does not repeat a call whose effect is already there. `poweredDown` is set before the stop is asked for and
// cleared only once the instance is seen Running again: until then every way out of the job starts it first.
import { StepFailure } from '../../step-errors.ts';
import type { CloudPort } from '../../../cloud/cloud-port.ts';
import { lagLeft, readWhileDoubtful } from '../read-lag.ts';
import { done, type StepContext, type StepHandler } from '../step-context.ts';

type PowerCloud = Required<Pick<CloudPort, 'stopInstance' | 'startInstance' | 'waitInstance'>>;

function powerOf(s: StepContext): PowerCloud {
  const c = s.cloud;
  if (!c.stopInstance || !c.startInstance || !c.waitInstance) throw new StepFailure('NoPowerApi', { failure: 'no_power_api' });
  return c as unknown as PowerCloud;
}

const STARTED: ReadonlySet<string> = new Set(['Starting', 'Running']);

const expected = (s: StepContext, kind: 'instanceStop' | 'instanceStart', written: string) => {
  const ms = s.opts.expectedMs?.[kind];
  if (ms === undefined) return {};
  return s.expect(kind, written);
};

export const stopInstance: StepHandler = async (s) => {
  const power = powerOf(s);
  const inst = await s.cloud.describeInstance(s.j.instanceId);
  if (!inst) throw new StepFailure('InstanceMissing', { failure: 'instance_missing', instance: s.j.instanceId });
  s.j.poweredDown = true;
  if (inst.status === 'Stopping' || inst.status === 'Stopped') return done({ already: inst.status });
  if (inst.status !== 'Running') throw new StepFailure('InstanceBusy', { failure: 'instance_not_running', instance: s.j.instanceId, status: inst.status });
  await s.writing(`stop:${s.j.instanceId}`, () => power.stopInstance({ instanceId: s.j.instanceId }));
  await s.hook('stop_instance', 'during');
  return done({ stoppedMode: 'KeepCharging' });
};

export const waitInstanceStopped: StepHandler = async (s) => {
  const p = powerOf(s).waitInstance(s.j.instanceId, 'Stopped', { ...s.waitOpts(), ...expected(s, 'instanceStop', `stop:${s.j.instanceId}`) });
  await s.hook('wait_instance_stopped', 'during');
  const inst = await p;
  return done({ status: inst.status });
};

export const startInstance: StepHandler = async (s) => {
  const power = powerOf(s);
  // Stopped by this run a moment ago: a read that still says Running may predate the stop (reads lag writes), and
  // taken as "already running" it left the instance stopped. Believed only once the stop had time to show. Likewise
  // a read that still says Stopped(-ing) may predate a start sent a moment ago (journaled by a run that died right
  // after it): the start is not sent again on it (it would be refused until the reads caught up).
  const stop = `stop:${s.j.instanceId}`;
  const inst = await readWhileDoubtful(s, () => s.cloud.describeInstance(s.j.instanceId),
    (i) => (!i ? 0 : lagLeft(s, STARTED.has(i.status) ? stop : `start:${s.j.instanceId}`)));
  if (!inst) throw new StepFailure('InstanceMissing', { failure: 'instance_missing', instance: s.j.instanceId });
  // Still stopping (a failure or cancel came during the stop): wait for Stopped, since Start needs it (SDK remark).
  if (inst.status === 'Stopping') await power.waitInstance(s.j.instanceId, 'Stopped', s.waitOpts());
  else if (STARTED.has(inst.status)) return done({ already: inst.status });
  await s.writing(`start:${s.j.instanceId}`, () => power.startInstance({ instanceId: s.j.instanceId }));
  await s.hook('start_instance', 'during');
  return done();
};

export const waitInstanceRunning: StepHandler = async (s) => {
  const p = powerOf(s).waitInstance(s.j.instanceId, 'Running', { ...s.waitOpts(), ...expected(s, 'instanceStart', `start:${s.j.instanceId}`) });
  await s.hook('wait_instance_running', 'during');
  const inst = await p;
  s.j.poweredDown = false;
  return done({ status: inst.status });
};
