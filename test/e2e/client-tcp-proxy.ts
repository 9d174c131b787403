/**
 * A TCP proxy in front of the real worker, to break connections the way
 * networks do: drop them (the client sees 1006), refuse new ones (an outage),
 * freeze them (a dead peer: the socket looks open, nothing arrives), or
 * swallow only what the server sends (the ack of a stored message is lost).
 */
import net from "node:net";

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

/** A proxy listening on 127.0.0.1 and forwarding to `target`. */
export class TcpProxy {
  readonly #server: net.Server;
  readonly #pairs = new Set<Pair>();
  #blocked = false;
  #frozen = false;
  #muted = false;
  /** Connections accepted so far (including refused ones). */
  connections = 0;

  private constructor(
    private readonly target: URL,
    server: net.Server,
  ) {
    this.#server = server;
  }

  /** Starts a proxy for `target` (an http:// URL) on a free port. */
  static async start(target: URL): Promise<TcpProxy> {
    const server = net.createServer();
    const proxy = new TcpProxy(target, server);
    server.on("connection", (socket) => proxy.#accept(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  /** The proxy's http:// URL. */
  get url(): URL {
    const { port } = this.#server.address() as net.AddressInfo;
    return new URL(`http://127.0.0.1:${port}`);
  }

  /** Destroys every open connection. */
  dropAll(): void {
    for (const pair of this.#pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.#pairs.clear();
  }

  /** While blocked, new connections are closed at once (a server that is down). */
  block(blocked = true): void {
    this.#blocked = blocked;
  }

  /** While frozen, nothing is forwarded in either direction, and connections stay open. */
  freeze(frozen = true): void {
    this.#frozen = frozen;
  }

  /** While muted, what the server sends is discarded; what the client sends still arrives. */
  mute(muted = true): void {
    this.#muted = muted;
  }

  /** Ends any block, freeze or mute (between tests). */
  reset(): void {
    this.block(false);
    this.freeze(false);
    this.mute(false);
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    this.connections += 1;
    if (this.#blocked) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(this.target.port), this.target.hostname);
    const pair = { client, upstream };
    this.#pairs.add(pair);
    client.on("data", (chunk) => {
      if (!this.#frozen) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!this.#frozen && !this.#muted) client.write(chunk);
    });
    const end = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end);
    upstream.on("close", end);
    client.on("error", end);
    upstream.on("error", end);
  }
}
