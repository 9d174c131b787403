/**
 * `GET /v1/files/:id?exp&sig`. No token: the signed link is the capability,
 * checked here before R2 is touched (403 forged or altered, 403 expired or claiming
 * more than a link lives), then the
 * bytes are served from R2 with the safety headers (see files/serve-file.ts).
 */
import { Hono } from "hono";
import { serveFile } from "../files/serve-file";
import { fileLinkSigner } from "../files/signed-url";
import { HttpError } from "./http-error";

/** `GET /v1/files/:id`. */
export const fileRoutes = new Hono<{ Bindings: Env }>();

fileRoutes.get("/:id", async (c) => {
  const id = c.req.param("id");
  const signer = fileLinkSigner(c.env);
  const now = Date.now();
  const verdict = signer.check(id, c.req.query("exp"), c.req.query("sig"), now);
  if (verdict === "invalid_signature") {
    throw new HttpError(403, "invalid_signature", "this link is not valid");
  }
  if (verdict === "url_expired") {
    throw new HttpError(403, "url_expired", "this link has expired; fetch the message again for a fresh one");
  }
  return serveFile(c.req.raw, c.env.FILES, id, signer.maxAgeSeconds(Number(c.req.query("exp")), now));
});
