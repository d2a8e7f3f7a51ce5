// What a modelled guest needs from the cloud it runs in. The world implements it; guest code takes this instead of
// the World class, so the state model and the guest model do not import each other.
import type { CloudEgress, EniState, InstanceState } from '../model/cloud-resources.ts';

export interface GuestHost {
  readonly regionId: string;
  readonly accountId: string;
  readonly vpcs: ReadonlyMap<string, { cidr: string }>;
  readonly vSwitches: ReadonlyMap<string, { cidr: string }>;
  /** Applies every cloud-side transition that is due (an attach finishing, …) before the guest looks. */
  settle(): void;
  /** The ENIs the instance's guest has as NICs: its primary ENI, then the secondary ones that are InUse. */
  nicsOf(inst: InstanceState): EniState[];
  /** The public IP a packet from `srcIp`, leaving through `eni`, gets; undefined = no way out. */
  cloudEgress(inst: InstanceState, srcIp: string, eni: EniState): CloudEgress | undefined;
}
