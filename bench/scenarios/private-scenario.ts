/**
 * (h) Private messages: one sender to one recipient through their inboxes,
 * flat out with a window of unanswered messages, next to (e)'s room figure.
 * Both users hold an inbox socket; each message is stored in both inboxes
 * before the ack and delivered to both sockets (the sender's own copy and the
 * recipient's), so `expected` is two deliveries per message. Roomcast only:
 * the baselines have no private messages.
 */
import type { ClientSpec } from "../load/messages";
import type { Profile } from "../profiles";
import { type Ctx, type TrafficResult, traffic } from "./context";

/** The `sub` of a bearer token in an `Authorization` header (the recipient's user id). */
function subOf(headers: Record<string, string> | undefined): string {
  const token = headers?.Authorization?.replace(/^Bearer\s+/i, "") ?? "";
  const payload = token.split(".")[1] ?? "";
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub?: string };
  if (!claims.sub) throw new Error("the recipient's token has no sub");
  return claims.sub;
}

/** (h) one sender flat out to one recipient; undefined when the target has no inboxes. */
export async function privateScenario(
  ctx: Ctx,
  profile: Profile,
): Promise<(TrafficResult & { connectFailures: number }) | undefined> {
  const inboxUrl = ctx.target.inboxUrl?.();
  if (!inboxUrl) return undefined;
  const p = profile.persist;
  ctx.log(`  private messages, one sender flat out: window ${p.window}`);
  const names = [`${ctx.tag}dm-sender`, `${ctx.tag}dm-recipient`];
  const [senderHeaders, recipientHeaders] = await ctx.target.authHeaders(names);
  const clients: ClientSpec[] = [
    {
      index: 0,
      url: inboxUrl,
      to: subOf(recipientHeaders),
      ...(senderHeaders ? { headers: senderHeaders } : {}),
    },
    { index: 1, url: inboxUrl, ...(recipientHeaders ? { headers: recipientHeaders } : {}) },
  ];
  const joined = await ctx.driver.connect(clients, 2);
  if (joined.failed > 0) ctx.log(`  ${joined.failed} of 2 inbox clients failed: ${joined.errors.join("; ")}`);
  const result = await traffic(ctx, {
    roomSize: 2,
    senders: [0],
    plan: { kind: "window", window: p.window },
    durationMs: p.durationMs,
    drainMaxMs: 10_000,
  });
  return { ...result, connectFailures: joined.failed };
}
