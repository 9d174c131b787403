/**
 * The shared setup of the SDK's end-to-end tests: a real worker for the file
 * (optionally behind a {@link TcpProxy}), and clients and raw sockets that are
 * closed after every test.
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import { type ClientOptions, RoomcastClient } from "../../src/client";
import { signTestToken } from "../helpers/tokens";
import { Recorder } from "./client-recorder";
import { TcpProxy } from "./client-tcp-proxy";
import { joinRoom, type NodeSocket, type RunningWorker, startWorker } from "./worker-harness";

/** What {@link useWorkerClients} starts. */
export interface FixtureOptions {
  /** Test-only var overrides for the worker. */
  vars?: Record<string, string>;
  /** Put a proxy in front of the worker; clients then connect through it. */
  proxy?: boolean;
}

/** The file's worker, its proxy, and ways to open clients that are closed after each test. */
export interface WorkerClients {
  readonly worker: RunningWorker;
  /** The proxy in front of the worker (only with `proxy: true`). */
  readonly proxy: TcpProxy;
  /** A new client (`url`: the proxy if any, else the worker), not yet connected. */
  client(options: Omit<ClientOptions, "url"> & { url?: string }): RoomcastClient;
  /** A new client with a recorder, connected (resolves after its welcome). */
  connect(options: Omit<ClientOptions, "url"> & { url?: string }): Promise<Joined>;
  /** Connects as `name`, with a token for `sub: name.toLowerCase()` and `name`. */
  join(room: string, name: string, options?: Partial<ClientOptions>): Promise<Joined>;
  /** A raw `ws` socket joined straight to the worker (never through the proxy) as `sub`. */
  socket(room: string, sub: string): Promise<NodeSocket>;
}

/** A connected client, its recorder and its welcome. */
export type Joined = Awaited<ReturnType<typeof connectRecorded>>;

/** Creates a recorder for `client`, then connects it. */
async function connectRecorded(client: RoomcastClient) {
  const rec = new Recorder(client);
  const welcome = await client.connect();
  return { client, rec, welcome };
}

/**
 * Starts a worker (and a proxy) before the file's or describe block's tests and
 * stops them after; closes every client and socket opened through it after each test.
 * @example const fx = useWorkerClients({ vars: { HISTORY_LIMIT: "5" }, proxy: true });
 */
export function useWorkerClients(options: FixtureOptions = {}): WorkerClients {
  let worker: RunningWorker | undefined;
  let proxy: TcpProxy | undefined;
  const clients: RoomcastClient[] = [];
  const sockets: NodeSocket[] = [];
  beforeAll(async () => {
    worker = await startWorker(options.vars);
    if (options.proxy) proxy = await TcpProxy.start(worker.url);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
    for (const s of sockets.splice(0)) s.ws.close(1000);
    proxy?.reset();
  });
  afterAll(async () => {
    await proxy?.close();
    await worker?.close();
  });

  const fx: WorkerClients = {
    get worker() {
      if (!worker) throw new Error("the worker is not started yet (use it inside a test or hook)");
      return worker;
    },
    get proxy() {
      if (!proxy) throw new Error("no proxy: call useWorkerClients({ proxy: true })");
      return proxy;
    },
    client(clientOptions) {
      const client = new RoomcastClient({ url: (proxy ?? fx.worker).url.href, ...clientOptions });
      clients.push(client);
      return client;
    },
    connect: (clientOptions) => connectRecorded(fx.client(clientOptions)),
    async join(room, name, clientOptions = {}) {
      const token = await signTestToken({ sub: name.toLowerCase(), name });
      return fx.connect({ room, token, ...clientOptions });
    },
    async socket(room, sub) {
      const socket = await joinRoom(fx.worker, room, await signTestToken({ sub }));
      sockets.push(socket);
      return socket;
    },
  };
  return fx;
}
