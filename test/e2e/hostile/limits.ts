/** The worker's limits for the hostile suite (test-only var overrides), small enough to reach. */
export const HOSTILE_LIMITS = {
  CONTENT_POLICY: "reject",
  CONNECT_RATE_PER_MINUTE: "40",
  RATE_LIMIT_PER_MINUTE: "60",
  RATE_LIMIT_STRIKES: "3",
  TOKEN_FAILURE_STRIKE_AFTER: "4",
  BLOCK_AFTER_STRIKES: "2",
} as const;
