/**
 * Replaces @aws-sdk/credential-provider-node in the Lambda bundles (see infra/build.ts).
 * On Lambda the execution role's credentials are always in the environment, so the
 * SDK's default chain (SSO, INI files, process, IMDS, web identity, and the STS/SSO
 * clients they carry) is ~90 KB of every bundle that would never run.
 */
import type { AwsCredentialIdentity } from '@aws-sdk/types';

export const defaultProvider = () => async (): Promise<AwsCredentialIdentity> => {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
    throw new Error('No AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): Lambda always sets them');
  }
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
  };
};
