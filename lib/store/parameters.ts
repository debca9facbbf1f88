import { config } from '../config';

/**
 * Reads a SecureString from SSM Parameter Store, decrypted. The client is loaded on first
 * use: only a cold start on AWS (TOKEN_SECRET_PARAMETER set) pays for it.
 */
export async function readSecureParameter(name: string): Promise<string> {
  const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const ssm = new SSMClient({ region: config.region, maxAttempts: 4 });
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = out.Parameter?.Value;
    if (!value) throw new Error(`SSM parameter ${name} is empty`);
    return value;
  } finally {
    ssm.destroy();
  }
}
