/**
 * vitest globalSetup of the `workerd-webhooks` project: a Node webhook receiver
 * (see webhook-receiver.ts) on the port vitest.config.ts chose and gave the
 * project's EVENT_WEBHOOK_URL, for tests that run inside workerd.
 */
import { startWebhookReceiver } from "./webhook-receiver.ts";

/** The secret the project's rooms sign with (also in vitest.config.ts). */
export const WORKERD_WEBHOOK_SECRET = `whsec_${Buffer.from("roomcast-workerd-webhook-secret!").toString("base64")}`;

export default async function setup(): Promise<() => Promise<void>> {
  const port = Number(process.env.ROOMCAST_TEST_WEBHOOK_PORT);
  const receiver = await startWebhookReceiver(WORKERD_WEBHOOK_SECRET, port);
  return () => receiver.close();
}
