/**
 * Structured logs: one JSON object per line, `{"t": ISO time, "event": …, …}`,
 * so Workers Logs, `wrangler tail` and Logpush can filter by field. Nothing
 * logged may carry a credential: URLs go through {@link redactUrl}, and
 * tokens, signatures and secrets are never passed as fields.
 */

/** Query parameters that carry credentials: `?token=` (the upgrade fallback) and signed-link signatures. */
const SECRET_PARAMS = new Set(["token", "access_token", "sig", "signature", "jwt"]);

/**
 * `url` with every credential-carrying query value replaced by `redacted`.
 * @example redactUrl("https://x/v1/rooms/a/ws?token=eyJ…&since=4") // "https://x/v1/rooms/a/ws?token=redacted&since=4"
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(unparsable URL)";
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMS.has(key.toLowerCase())) parsed.searchParams.set(key, "redacted");
  }
  return parsed.toString();
}

/**
 * Writes one log line.
 * @example logEvent("close", { kind: "room", name: "general", code: 1000 });
 */
export function logEvent(event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ t: new Date().toISOString(), event, ...fields }));
}
