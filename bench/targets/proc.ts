/**
 * Processes the bench starts, and what it reads about them from /proc: the
 * process tree, resident memory, CPU time and listening ports. Every server is
 * started in its own process group, so stopping it (or the bench dying) takes
 * every child with it; {@link killAllGroups} is the last-resort cleanup on exit.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { sleep } from "../load/clock";

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

const liveGroups = new Set<number>();

/** One process of a target's tree. */
export interface ProcSample {
  pid: number;
  /** What the bench calls it: workerd (the worker), proxy (wrangler's dev proxy), node, ... */
  role: string;
  rssKiB: number;
  cpuSeconds: number;
}

/** Starts `command` in a new process group; its output is handed to `onLine` line by line. */
export function spawnGroup(
  command: string,
  args: string[],
  onLine: (line: string) => void,
  cwd: string,
): ChildProcess {
  const child = spawn(command, args, { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid !== undefined) liveGroups.add(child.pid);
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      buffered += chunk;
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        onLine(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf("\n");
      }
    });
  }
  return child;
}

/** SIGTERM to the whole group, then SIGKILL after `graceMs` if anything is left. */
export async function killGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const signal = (sig: NodeJS.Signals): boolean => {
    try {
      process.kill(-pid, sig);
      return true;
    } catch {
      return false; // The group is gone.
    }
  };
  if (signal("SIGTERM")) {
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && groupAlive(pid)) await sleep(100);
    if (groupAlive(pid)) signal("SIGKILL");
  }
  liveGroups.delete(pid);
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // A group of zombies answers signal 0 too: alive means a member that is not one.
  return allPids().some((pid) => {
    const stat = readStat(pid);
    return stat !== undefined && stat.pgrp === pgid && stat.state !== "Z";
  });
}

/** Synchronous SIGKILL of every group still running (for exit and signal handlers). */
export function killAllGroups(): void {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  liveGroups.clear();
}

function allPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

interface Stat {
  ppid: number;
  pgrp: number;
  state: string;
  cpuSeconds: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may contain spaces: parse after the last ')'.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return {
      state: fields[0] ?? "?",
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      cpuSeconds: (utime + stime) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
}

function readRssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The command line of `pid`, arguments joined by spaces ("" once it exited). */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** `root` and all its descendants that are still running. */
export function treeOf(root: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (!stat || stat.state === "Z") continue;
    const list = byParent.get(stat.ppid) ?? [];
    list.push(pid);
    byParent.set(stat.ppid, list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    out.push(pid);
    stack.push(...(byParent.get(pid) ?? []));
  }
  return out;
}

/** RSS and CPU time of each process in `root`'s tree, named by `roleOf`. */
export function sampleTree(root: number, roleOf: (pid: number) => string): ProcSample[] {
  return treeOf(root).map((pid) => ({
    pid,
    role: roleOf(pid),
    rssKiB: readRssKiB(pid),
    cpuSeconds: readStat(pid)?.cpuSeconds ?? 0,
  }));
}

/** TCP ports `pid` listens on (from its socket fds and /proc/net/tcp). */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m?.[1]) inodes.add(m[1]);
      } catch {
        // fd closed meanwhile.
      }
    }
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local_address rem_address st ... inode (index 9); 0A = LISTEN.
      if (cols[3] !== "0A" || !inodes.has(cols[9] ?? "")) continue;
      const port = Number.parseInt(cols[1]?.split(":")[1] ?? "", 16);
      if (Number.isFinite(port)) ports.push(port);
    }
  }
  return ports;
}

/** CPU seconds the whole machine has been busy (all cores), from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (
    ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) /
    TICKS_PER_SECOND
  );
}

/**
 * Resets the peak resident size (VmHWM) of `pid` to its current RSS, so a later
 * {@link readPeakKiB} shows the highest point since (Linux: `echo 5 >
 * /proc/<pid>/clear_refs`; needs the same user as the process).
 */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

/** Current and peak resident size of `pid` (KiB) since start or the last {@link resetPeak}. */
export function readPeakKiB(pid: number): { rssKiB: number; peakKiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rssKiB: field("VmRSS"), peakKiB: field("VmHWM") };
}
