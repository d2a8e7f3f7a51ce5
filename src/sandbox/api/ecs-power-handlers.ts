// The ECS power operations (StopInstance, StartInstance, RebootInstance): each answers only a RequestId and starts an
// asynchronous change of the instance's status (model/instance-power.ts).
import { ApiError } from '../api-error.ts';
import { checkPower, powerOperation, type PowerOperation } from '../model/instance-power.ts';
import { req, type Handler } from './request-params.ts';

/** DryRun=true: the documented DryRunOperation answer once the checks pass, and nothing changes. */
function powerHandler(kind: PowerOperation['kind']): Handler {
  return ({ world: w, params: p }) => {
    const id = req(p, 'InstanceId');
    w.settle();
    if (p.DryRun === 'true') {
      checkPower(w, id, kind);
      throw new ApiError('DryRunOperation', 400, 'Request validation has been passed with DryRun flag set.');
    }
    powerOperation(w, id, kind);
    return {};
  };
}

export const ecsPowerHandlers: Record<string, Handler> = {
  StopInstance: powerHandler('stop'),
  StartInstance: powerHandler('start'),
  RebootInstance: powerHandler('reboot'),
};
