import { $OpenApiUtil } from '@alicloud/openapi-core';
import { cjsDefault } from './cjs.ts';
import { ecsSdk, vpcSdk } from './sdk.ts';
import type { CredentialClient } from './credentials.ts';

// The packages are CommonJS with `exports.default`: from ESM the class is `.default` of the default import.
export type EcsClient = InstanceType<typeof ecsSdk.default>;
export type VpcClient = InstanceType<typeof vpcSdk.default>;
const EcsClass = cjsDefault<typeof ecsSdk.default>(ecsSdk);
const VpcClass = cjsDefault<typeof vpcSdk.default>(vpcSdk);

export interface ClientsConfig {
  regionId: string;
  /** host[:port] only; undefined = the SDK's own regional endpoint. */
  ecsEndpoint?: string;
  vpcEndpoint?: string;
  protocol: 'http' | 'https';
  credential: CredentialClient;
  connectMs: number;
  readMs: number;
}

/**
 * Accepts `host:port` or a URL. The SDK builds `${protocol}://${endpoint}`, so a scheme inside the endpoint
 * would produce `http://http//…`; strip it and let it set the protocol instead.
 */
function normalizeEndpoint(endpoint: string | undefined, protocol: 'http' | 'https'): { endpoint?: string; protocol: 'http' | 'https' } {
  if (!endpoint) return { protocol };
  const m = /^(https?):\/\/([^/]+)\/?$/i.exec(endpoint.trim());
  if (m) return { endpoint: m[2], protocol: m[1]!.toLowerCase() as 'http' | 'https' };
  return { endpoint: endpoint.trim(), protocol };
}

function sdkConfig(cfg: ClientsConfig, endpoint: string | undefined): $OpenApiUtil.Config {
  const ep = normalizeEndpoint(endpoint, cfg.protocol);
  return new $OpenApiUtil.Config({
    regionId: cfg.regionId,
    credential: cfg.credential,
    ...(ep.endpoint ? { endpoint: ep.endpoint } : {}),
    protocol: ep.protocol,
    // Both: connectTimeout is a socket-idle timeout that also fires while waiting for the answer (SDK default 3 s each).
    connectTimeout: cfg.connectMs,
    readTimeout: cfg.readMs,
    // No retryOptions: the SDK must not retry on its own; call.ts does, per action.
  });
}

export function createClients(cfg: ClientsConfig): { ecs: EcsClient; vpc: VpcClient } {
  return {
    ecs: new EcsClass(sdkConfig(cfg, cfg.ecsEndpoint)),
    vpc: new VpcClass(sdkConfig(cfg, cfg.vpcEndpoint)),
  };
}
