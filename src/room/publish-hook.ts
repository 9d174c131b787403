/**
 * The optional pre-publish hook (`PUBLISH_HOOK_URL`): before a room stores a
 * message it POSTs `{type: "message.publishing", timestamp, data: {room, from,
 * content, cid?}}`, signed per Standard Webhooks like every webhook, and the
 * hook answers `{"action": "accept"}` (or 204), `{"action": "reject", "reason"?}`
 * or `{"action": "rewrite", "content"}`. No answer within
 * `PUBLISH_HOOK_TIMEOUT_MS`, a non-2xx, or an answer that is not one of those
 * (a rewrite to empty or too long content included) is a failure, settled by
 * `PUBLISH_HOOK_FAILURE`: `allow` stores the message as sent, `reject` refuses it.
 *
 * Awaiting the hook opens the object's input gate: other frames run meanwhile.
 * Hooks are asked concurrently, but their verdicts are applied strictly in
 * arrival order ({@link PublishHook.inOrder}), so seqs follow arrival per room.
 */
import type { PublishHookConfig } from "../config";
import type { UserRef } from "../protocol/frames";
import { buildWebhookRequest, newWebhookId, webhookTimestamp } from "../webhooks/request";
import { WebhookSigner } from "../webhooks/signer";

/** What the hook decided (failures already settled by the policy). */
export type HookVerdict = { kind: "accept"; content: string } | { kind: "reject"; reason: string };

/** What the hook is asked about. */
export interface HookQuestion {
  room: string;
  from: UserRef;
  content: string;
  cid?: string | undefined;
}

/** The pre-publish hook of one room object. */
export class PublishHook {
  readonly #signer: WebhookSigner;
  /** Settles when every earlier message's verdict has been applied. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: PublishHookConfig,
    private readonly maxContentChars: number,
  ) {
    this.#signer = new WebhookSigner(config.secret);
  }

  /** Asks the hook; never rejects (a failure becomes the policy's verdict). */
  async ask(question: HookQuestion, now: number): Promise<HookVerdict> {
    const body = JSON.stringify({
      type: "message.publishing",
      timestamp: new Date(now).toISOString(),
      data: question,
    });
    try {
      const req = await buildWebhookRequest(
        this.config.url,
        this.#signer,
        { id: newWebhookId(), timestamp: webhookTimestamp(now), body },
        { signal: AbortSignal.timeout(this.config.timeoutMs) },
      );
      const res = await fetch(req);
      if (res.status === 204) return { kind: "accept", content: question.content };
      const answer = res.ok ? await res.json().catch(() => undefined) : undefined;
      return this.#verdictOf(answer, question.content) ?? this.#failure(`status ${res.status}`, question);
    } catch (err) {
      return this.#failure(err instanceof Error ? err.name : "error", question);
    }
  }

  /**
   * Applies `verdict` once every message that arrived earlier has been applied:
   * hooks answer in any order, messages are stored in arrival order.
   */
  inOrder<T>(verdict: Promise<HookVerdict>, apply: (verdict: HookVerdict) => T): Promise<T> {
    const turn = this.#tail.then(() => verdict).then(apply);
    // The next message waits for this one, whether it was stored or failed.
    this.#tail = turn.catch(() => undefined);
    return turn;
  }

  #verdictOf(answer: unknown, content: string): HookVerdict | undefined {
    if (typeof answer !== "object" || answer === null) return undefined;
    const { action, reason, content: rewritten } = answer as Record<string, unknown>;
    if (action === "accept") return { kind: "accept", content };
    if (action === "reject") {
      return {
        kind: "reject",
        reason: typeof reason === "string" && reason ? reason.slice(0, 200) : "rejected",
      };
    }
    if (
      action === "rewrite" &&
      typeof rewritten === "string" &&
      rewritten.length >= 1 &&
      rewritten.length <= this.maxContentChars
    ) {
      return { kind: "accept", content: rewritten };
    }
    return undefined;
  }

  #failure(why: string, question: HookQuestion): HookVerdict {
    console.warn(
      JSON.stringify({ event: "publish_hook_failed", room: question.room, why, policy: this.config.failure }),
    );
    return this.config.failure === "allow"
      ? { kind: "accept", content: question.content }
      : { kind: "reject", reason: "the message could not be checked; try again later" };
  }
}
