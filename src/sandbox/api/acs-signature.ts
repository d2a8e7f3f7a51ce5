// Request authentication exactly as Alibaba's gateway does it for the SDK: ACS3-HMAC-SHA256 (the 7.x default) and
// the legacy V2 HMAC-SHA1 RPC signature (Config.signatureAlgorithm = 'v2'). The client side this mirrors is
// OpenApiUtil.getAuthorization / getRPCSignature in node_modules/@alicloud/openapi-core/src/utils.ts.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../api-error.ts';

export interface Credentials { accessKeyId: string; accessKeySecret: string }

/** RFC 3986 encoding as openapi-core's `encode`. */
function acsEncode(s: string): string {
  return encodeURIComponent(s).replace(/!/g, '%21').replace(/'/g, '%27').replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/\*/g, '%2A');
}

const sha256hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const MAX_SKEW_MS = 15 * 60_000;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const badSignature = () => new ApiError('SignatureDoesNotMatch', 400, 'Specified signature does not match our calculation.');
const unknownKey = () => new ApiError('InvalidAccessKeyId.NotFound', 404, 'Specified access key is not found.');

export class Authenticator {
  /** Nonces seen in the last 15 minutes (replay protection, like the real gateway). */
  private nonces = new Map<string, number>();

  /** AccessKey id → secret: the scenario's pair plus any further keys of the same account (one per caller). */
  private readonly secrets: Map<string, string>;

  constructor(creds: Credentials | readonly Credentials[], private readonly now: () => number = Date.now) {
    this.secrets = new Map((Array.isArray(creds) ? creds : [creds as Credentials]).map((c) => [c.accessKeyId, c.accessKeySecret]));
  }

  private secretOf(keyId: string | undefined): string {
    const secret = keyId === undefined ? undefined : this.secrets.get(keyId);
    if (secret === undefined) throw unknownKey();
    return secret;
  }

  /**
   * Throws the gateway's error for a request that is not signed by the scenario's credentials.
   * `query` holds the URL query only; `form` the decoded form body (V2 signs both). Returns the AccessKey id that signed.
   */
  verify(req: { method: string; headers: IncomingHttpHeaders; query: [string, string][]; form: [string, string][]; body: Buffer }): string {
    const auth = header(req.headers, 'authorization');
    if (auth?.startsWith('ACS3-')) return this.verifyV3(req, auth);
    const params = new Map([...req.query, ...req.form]);
    if (params.has('Signature')) return this.verifyV2(req.method, params);
    throw new ApiError('IncompleteSignature', 400, 'The request signature does not conform to Aliyun standards.');
  }

  private verifyV3(req: { method: string; headers: IncomingHttpHeaders; query: [string, string][]; body: Buffer }, auth: string): string {
    const m = /^(ACS3-[A-Z0-9-]+)\s+Credential=([^,]*),\s*SignedHeaders=([^,]*),\s*Signature=([0-9a-fA-F]*)$/.exec(auth.trim());
    if (!m) throw new ApiError('IncompleteSignature', 400, 'The request signature does not conform to Aliyun standards.');
    const [, algorithm, keyId, signedHeaders, signature] = m as unknown as [string, string, string, string, string];
    const secret = this.secretOf(keyId);
    if (algorithm !== 'ACS3-HMAC-SHA256') throw new ApiError('IncompleteSignature', 400, `Signature algorithm ${algorithm} is not supported by the sandbox.`);
    const payloadHash = header(req.headers, 'x-acs-content-sha256') ?? '';
    if (payloadHash !== sha256hex(req.body)) throw badSignature();
    this.checkTime(header(req.headers, 'x-acs-date'));
    const names = signedHeaders.split(';').map((h) => h.trim().toLowerCase()).filter(Boolean);
    for (const h of ['host', 'x-acs-action', 'x-acs-date', 'x-acs-signature-nonce']) {
      if (!names.includes(h)) throw new ApiError('IncompleteSignature', 400, `The header ${h} must be signed.`);
    }
    const canonicalQuery = [...req.query].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${acsEncode(v)}`).join('&');
    const canonicalHeaders = [...names].sort().map((h) => `${h}:${(header(req.headers, h) ?? '').trim()}\n`).join('');
    const canonicalRequest = `${req.method}\n/\n${canonicalQuery}\n${canonicalHeaders}\n${[...names].sort().join(';')}\n${payloadHash}`;
    const expected = createHmac('sha256', secret).update(`${algorithm}\n${sha256hex(canonicalRequest)}`).digest('hex');
    if (!safeEqual(expected, signature.toLowerCase())) throw badSignature();
    this.checkNonce(header(req.headers, 'x-acs-signature-nonce'));
    return keyId;
  }

  private verifyV2(method: string, params: Map<string, string>): string {
    const keyId = params.get('AccessKeyId');
    const secret = this.secretOf(keyId);
    const algo = params.get('SignatureMethod') ?? 'HMAC-SHA1';
    if (algo !== 'HMAC-SHA1') throw new ApiError('InvalidSignatureMethod', 400, `Specified signature method ${algo} is not supported.`);
    const signed = [...params].filter(([k]) => k !== 'Signature').map(([k, v]) => [acsEncode(k), acsEncode(v)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
    const stringToSign = `${method}&${acsEncode('/')}&${acsEncode(signed)}`;
    const expected = createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
    if (!safeEqual(expected, params.get('Signature') ?? '')) throw badSignature();
    this.checkTime(params.get('Timestamp'));
    this.checkNonce(params.get('SignatureNonce'));
    return keyId!;
  }

  private checkTime(stamp: string | undefined): void {
    const t = stamp ? Date.parse(stamp) : NaN;
    if (Number.isNaN(t)) throw new ApiError('MissingParameter', 400, 'The input parameter "Timestamp" (x-acs-date) that is mandatory for processing this request is not supplied.');
    if (Math.abs(this.now() - t) > MAX_SKEW_MS) throw new ApiError('InvalidTimeStamp.Expired', 400, 'Specified time stamp or date value is expired.');
  }

  private checkNonce(nonce: string | undefined): void {
    if (!nonce) throw new ApiError('MissingParameter', 400, 'The input parameter "SignatureNonce" that is mandatory for processing this request is not supplied.');
    const now = this.now();
    if (this.nonces.size > 50_000) for (const [n, at] of this.nonces) if (now - at > MAX_SKEW_MS) this.nonces.delete(n);
    const seen = this.nonces.get(nonce);
    if (seen !== undefined && now - seen <= MAX_SKEW_MS) throw new ApiError('SignatureNonceUsed', 400, 'Specified signature nonce was used already.');
    this.nonces.set(nonce, now);
  }
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}
