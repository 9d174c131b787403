/**
 * A free TCP port on 127.0.0.1 for Node-side tests (asked of the kernel, then
 * released): for a server a test starts, or as a port nothing listens on.
 */
import net from "node:net";

/** @example const port = await freePort(); */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
