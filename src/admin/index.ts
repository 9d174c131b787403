/**
 * The operations dashboard (public/admin.html): sign in as an admin, then the
 * stats and the guard's blocks, polled every few seconds while the tab is
 * visible. Bundled with uPlot into public/vendor/roomcast-admin.js by
 * `npm run build:client`.
 */
import type { BlockEntry } from "../guard/types";
import type { AdminStats } from "../stats/admin-stats";
import { DashboardView } from "./dashboard-view";
import {
  type AdminSession,
  adminGet,
  clearSession,
  devAdminToken,
  loadSession,
  NotAdmin,
  SignedOut,
  saveSession,
} from "./session";

/** How often the dashboard polls while visible. */
const POLL_MS = 5000;

type Screen = "signin" | "not-admin" | "dashboard";

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from admin.html`);
  return node as T;
}

function show(screen: Screen): void {
  for (const id of ["signin", "not-admin", "dashboard"] as const) byId(id).hidden = id !== screen;
  document.body.dataset.screen = screen;
}

let view: DashboardView | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

async function poll(session: AdminSession): Promise<void> {
  clearTimeout(timer);
  try {
    const [stats, { blocks }] = await Promise.all([
      adminGet<AdminStats>(session, "/v1/admin/stats"),
      adminGet<{ blocks: BlockEntry[] }>(session, "/v1/admin/blocks"),
    ]);
    show("dashboard");
    view ??= new DashboardView();
    view.render(stats, blocks);
    byId("live").dataset.status = "open";
    byId("live-text").textContent = "Live";
  } catch (err) {
    if (err instanceof NotAdmin) {
      byId("not-admin-message").textContent = err.message;
      show("not-admin");
      return;
    }
    if (err instanceof SignedOut) {
      clearSession();
      signInError(err.message);
      show("signin");
      return;
    }
    // A failed poll (network, a restart): keep the last figures and say so.
    byId("live").dataset.status = "reconnecting";
    byId("live-text").textContent = "Retrying…";
  }
  timer = setTimeout(() => void poll(session), POLL_MS);
}

function signInError(message: string): void {
  byId("signin-error").textContent = message;
}

function start(session: AdminSession): void {
  saveSession(session);
  void poll(session);
}

function wire(): void {
  byId<HTMLFormElement>("signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signInError("");
    const pasted = byId<HTMLTextAreaElement>("signin-token").value.trim();
    if (pasted) {
      start({ token: pasted });
      return;
    }
    const name = byId<HTMLInputElement>("signin-name").value.trim();
    if (!name) {
      signInError("Enter a name, or paste an admin token.");
      return;
    }
    devAdminToken(name).then(
      (token) => start({ token, devName: name }),
      (err: unknown) => signInError(err instanceof Error ? err.message : String(err)),
    );
  });
  for (const id of ["signout", "not-admin-signout"]) {
    byId(id).addEventListener("click", () => {
      clearTimeout(timer);
      clearSession();
      show("signin");
    });
  }
  document.addEventListener("visibilitychange", () => {
    const session = loadSession();
    if (document.visibilityState === "visible" && session && document.body.dataset.screen === "dashboard") {
      void poll(session);
    } else {
      clearTimeout(timer);
    }
  });
}

wire();
const session = loadSession();
if (session) start(session);
else show("signin");
