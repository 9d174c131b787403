/** Target 3: the plain Node `ws` room server (bench/ws-server/server.ts) in its own process. */
import type { ChildProcess } from "node:child_process";
import { sleep } from "../load/clock";
import { killGroup, type ProcSample, sampleTree, spawnGroup } from "./proc";
import { freePort, type Target } from "./target";

/** Starts the ws baseline and waits until it listens. */
export async function startWsTarget(root: string): Promise<Target> {
  const port = await freePort();
  let ready = false;
  const lines: string[] = [];
  const child: ChildProcess = spawnGroup(
    process.execPath,
    ["bench/ws-server/server.ts", "--port", String(port)],
    (line) => {
      if (line.startsWith("listening")) ready = true;
      if (lines.length < 50) lines.push(line);
    },
    root,
  );
  const deadline = Date.now() + 15_000;
  while (!ready && Date.now() < deadline && child.exitCode === null) await sleep(50);
  if (!ready) {
    await killGroup(child);
    throw new Error(`ws server did not start:\n${lines.join("\n")}`);
  }
  const pid = child.pid ?? 0;
  return {
    name: "ws",
    label: "plain Node ws server (one process, map of rooms, JSON parse, broadcast)",
    ackVia: "echo",
    settings: {},
    roomUrl: (room, query = "") => `ws://127.0.0.1:${port}/v1/rooms/${room}/ws${query}`,
    authHeaders: async (names) => names.map(() => ({})),
    sample: (): ProcSample[] => sampleTree(pid, () => "node"),
    wakeups: () => undefined,
    stop: () => killGroup(child),
  };
}
