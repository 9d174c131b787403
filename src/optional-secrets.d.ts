// Secrets a deployment may set (`wrangler secret put NAME`, or .dev.vars
// locally) but need not: `wrangler types` only knows the required ones
// ([env.production.secrets] in wrangler.toml), and none of these may be a
// [vars] entry, since a var and a secret of one name cannot coexist on a
// deployed worker. DEV_JWT_SECRET comes only from `npm run dev` and the tests
// (scripts/dev-vars.json).
interface __BaseEnv_Env {
  METRICS_TOKEN?: string;
  EVENT_WEBHOOK_SECRET?: string;
  ALERT_WEBHOOK_SECRET?: string;
  PUBLISH_HOOK_SECRET?: string;
  DEV_JWT_SECRET?: string;
}
