import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { config } from './config';

/**
 * Reading SecureStrings from SSM Parameter Store (the token secret, the bootstrap password).
 * The SSM client would add ~240 KB to every bundle (every function verifies tokens) for
 * one call per cold start, so the request is signed here with the signer the DynamoDB
 * client already carries, and the role's credentials Lambda puts in the environment.
 */

/** The SHA-256 (and HMAC-SHA-256) the SigV4 signer takes, from node:crypto. */
export class Sha256 {
  private hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret as string | Uint8Array);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

/** A SecureString, decrypted: one signed GetParameter call. */
export async function readSecureParameter(name: string): Promise<string> {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY)
    throw new Error(`cannot read SSM parameter ${name}: no AWS credentials in the environment`);
  const hostname = `ssm.${config.region}.amazonaws.com`;
  const signer = new SignatureV4({
    service: 'ssm',
    region: config.region,
    sha256: Sha256,
    credentials: {
      accessKeyId: AWS_ACCESS_KEY_ID,
      secretAccessKey: AWS_SECRET_ACCESS_KEY,
      ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
    },
  });
  const body = JSON.stringify({ Name: name, WithDecryption: true });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'https:',
    hostname,
    path: '/',
    headers: { host: hostname, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameter' },
    body,
  });
  const res = await fetch(`https://${hostname}/`, { method: 'POST', headers: signed.headers, body, signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`SSM GetParameter ${name} failed: ${res.status} ${text.slice(0, 200)}`);
  const value = (JSON.parse(text) as { Parameter?: { Value?: string } }).Parameter?.Value;
  if (!value) throw new Error(`SSM parameter ${name} is empty`);
  return value;
}
