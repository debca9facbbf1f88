/**
 * The only place key strings are spelled. Every item of the single table has PK/SK;
 * items that must be listed by something other than their partition carry
 * GSI1PK/GSI1SK. `expiresAt` (unix seconds) is the TTL attribute: only items that may
 * vanish carry it, and readers still filter on it, since TTL deletes late.
 */

/** Zero-padded so that the string order of SK is the numeric order of node ids. */
export const padId = (id: number): string => id.toString().padStart(16, '0');

export const keys = {
  clusterMeta: () => ({ PK: 'CLUSTER', SK: 'META' }),
} as const;
