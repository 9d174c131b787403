/**
 * How a token reaches the server on the upgrade, and the URLs involved.
 * Browsers cannot set headers on a WebSocket, so they carry the token as a
 * second subprotocol (`bearer.<jwt>` beside `roomcast.v1`; the server answers
 * `roomcast.v1` only). Node 22's WebSocket (undici) and the `ws` package accept
 * `{ headers }`, so there the token goes in `Authorization: Bearer`, the
 * contract's preferred transport. `?token=` works everywhere but can end up in
 * access logs: use it only when neither of the others is possible.
 */
import { BEARER_SUBPROTOCOL_PREFIX, PRESENCE_DIFF_QUERY, SUBPROTOCOL } from "../protocol/codes";

/** How the token is sent. `auto`: `header` in Node, `subprotocol` elsewhere. */
export type TokenTransport = "auto" | "header" | "subprotocol" | "query";

/** What a WebSocket constructor must accept: the browser's, Node's global one, or `ws`. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[] | { headers: Record<string, string> },
) => WebSocket;

/** Whether this looks like Node (or Bun), whose WebSocket accepts headers. */
function isNodeLike(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === "string";
}

/**
 * `auto` resolved for this platform.
 * @example resolveTransport("auto") // "header" in Node, "subprotocol" in a browser
 */
export function resolveTransport(transport: TokenTransport): Exclude<TokenTransport, "auto"> {
  if (transport !== "auto") return transport;
  return isNodeLike() ? "header" : "subprotocol";
}

/**
 * The ws:// or wss:// origin for a base URL given as http(s):// or ws(s)://.
 * Relative URLs resolve against the page (browsers only).
 * @example socketBase("https://chat.example.com") // "wss://chat.example.com"
 */
export function socketBase(base: string): URL {
  const href = (globalThis as { location?: { href?: string } }).location?.href;
  const url = new URL(base, href);
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  return url;
}

/**
 * The http(s):// twin of a socket URL (for the refusal probe).
 * @example httpBase(new URL("wss://chat.example.com")) // https://chat.example.com
 */
export function httpBase(url: URL): URL {
  const copy = new URL(url);
  copy.protocol = copy.protocol === "wss:" ? "https:" : "http:";
  return copy;
}

/** Builds an upgrade URL for `since`, with `token` in the query when given. */
export type SocketUrl = (since: number | undefined, token?: string) => string;

/**
 * The upgrade URL of a room, with `since` for a resume. The SDK always opts into
 * batched presence (`presence_diff` frames in large rooms), which it turns back
 * into `user_joined` / `user_left` events.
 */
export function roomSocketUrl(base: URL, room: string, since: number | undefined, token?: string): string {
  const url = new URL(`v1/rooms/${encodeURIComponent(room)}/ws`, withSlash(base));
  url.searchParams.set(PRESENCE_DIFF_QUERY.name, PRESENCE_DIFF_QUERY.value);
  return withResume(url, since, token);
}

/** The upgrade URL of the token's own inbox, with `since` for a resume. */
export function inboxSocketUrl(base: URL, since: number | undefined, token?: string): string {
  return withResume(new URL("v1/inbox/ws", withSlash(base)), since, token);
}

function withResume(url: URL, since: number | undefined, token: string | undefined): string {
  if (since !== undefined) url.searchParams.set("since", String(since));
  if (token !== undefined) url.searchParams.set("token", token);
  return url.toString();
}

/** Opens a socket to `urlFor(since)` carrying `token` the chosen way. */
export function openSocket(
  Impl: WebSocketConstructor,
  urlFor: SocketUrl,
  since: number | undefined,
  token: string,
  transport: Exclude<TokenTransport, "auto">,
): WebSocket {
  switch (transport) {
    case "header":
      return new Impl(urlFor(since), { headers: { Authorization: `Bearer ${token}` } });
    case "subprotocol":
      return new Impl(urlFor(since), [SUBPROTOCOL, `${BEARER_SUBPROTOCOL_PREFIX}${token}`]);
    case "query":
      return new Impl(urlFor(since, token));
  }
}

/** `url` as a base for relative paths: a trailing slash, no query, no fragment. */
export function withSlash(url: URL): URL {
  const copy = new URL(url);
  if (!copy.pathname.endsWith("/")) copy.pathname += "/";
  copy.search = "";
  copy.hash = "";
  return copy;
}
