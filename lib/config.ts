/**
 * Settings read once per cold start. A bad value fails fast at module load, so a
 * misconfigured deployment never serves a request.
 */
const env = process.env;

function int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function bool(name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

export const config = {
  version: env.ROSTER_VERSION ?? '0.1.0',
  /** The source revision the build came from (Ella's `revision`); empty when unknown. */
  revision: env.ROSTER_REVISION ?? '',
  tableName: env.TABLE_NAME ?? 'roster',
  dynamodbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
  region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
  maxBodyBytes: 512_000,
  accessTokenTtlSeconds: int('ACCESS_TOKEN_TTL_SECONDS', 900, 60, 86_400),
  keyCacheSeconds: int('KEY_CACHE_SECONDS', 60, 0, 3_600),
  passwordScryptLogN: int('PASSWORD_SCRYPT_LOG_N', 17, 10, 20),
  maxLeasesPerNode: int('MAX_LEASES_PER_NODE', 1000, 1, 100_000),
  leaderLeaseSeconds: int('LEADER_LEASE_SECONDS', 10, 1, 3_600),
  heartbeatIntervalSeconds: int('HEARTBEAT_INTERVAL_SECONDS', 3, 1, 3_600),
  autopilot: {
    lastContactThresholdSeconds: int('AUTOPILOT_LAST_CONTACT_THRESHOLD_SECONDS', 10, 1, 86_400),
    serverStabilizationSeconds: int('AUTOPILOT_SERVER_STABILIZATION_SECONDS', 10, 0, 86_400),
    cleanupDeadServers: bool('AUTOPILOT_CLEANUP_DEAD_SERVERS', true),
    deadServerSeconds: int('AUTOPILOT_DEAD_SERVER_SECONDS', 300, 1, 31_536_000),
    minQuorum: int('AUTOPILOT_MIN_QUORUM', 3, 1, 1_000),
  },
  drainStateMachineArn: env.DRAIN_STATE_MACHINE_ARN || undefined,
} as const;
