import CredentialsModule from '@alicloud/credentials';
import * as CredentialsNs from '@alicloud/credentials';
import { cjsDefault } from './cjs.ts';

/** The credential client the SDK signs with (@alicloud/credentials `Credential`). */
export type CredentialClient = InstanceType<typeof CredentialsModule.default>;

export interface StaticKeys {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/**
 * Static keys (sandbox, tests) or 'default-chain': @alicloud/credentials' default provider chain, in its order:
 * ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET(/SECURITY_TOKEN) → OIDC role (ALIBABA_CLOUD_ROLE_ARN + OIDC token file) →
 * CLI/profile files → ECS RAM role (instance metadata) → ALIBABA_CLOUD_CREDENTIALS_URI. The chain resolves lazily,
 * on the first signed request, and caches/refreshes STS tokens itself.
 */
export type CredentialsOption = StaticKeys | 'default-chain';

export function buildCredential(opt: CredentialsOption): CredentialClient {
  const Credential = cjsDefault<typeof CredentialsModule.default>(CredentialsModule);
  const Config = CredentialsNs.Config;
  if (opt === 'default-chain') return new Credential();
  if (!opt.accessKeyId || !opt.accessKeySecret) throw new Error('credentials: accessKeyId and accessKeySecret are required');
  return opt.securityToken
    ? new Credential(new Config({ type: 'sts', ...opt }))
    : new Credential(new Config({ type: 'access_key', accessKeyId: opt.accessKeyId, accessKeySecret: opt.accessKeySecret }));
}

/** Strings that must never show up in an error message. */
export function secretsOf(opt: CredentialsOption): string[] {
  return opt === 'default-chain' ? [] : [opt.accessKeySecret, opt.securityToken ?? ''].filter((s) => s.length > 0);
}
