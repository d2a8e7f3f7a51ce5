import { guestConfigText, type GuestNetworkProbe } from '../../domain/guest-network.ts';
import { fixText, reasonText, type ExposureReason, type PortExposure } from '../../domain/service-exposure.ts';

// The guest's network configuration and why a service port is at risk (the plan card). English is the domain's
// own wording; other languages word the same structured facts. The caller escapes the result (guest text inside).
export const en = {
  guestConfig: (p: { probe: GuestNetworkProbe | undefined }) => guestConfigText(p.probe),
  exposureReason: (p: { reason: ExposureReason; newDevice: string }) => reasonText(p.reason, p.newDevice),
  exposureFix: (p: { port: PortExposure; newDevice: string }) => fixText(p.port, p.newDevice),
};
