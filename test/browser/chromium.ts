/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser).
 * Each user gets an isolated browser context (own storage, own session), and
 * every page records dialogs and uncaught errors so a test can assert that
 * nothing ran that should not have.
 */
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Flags for a headless Chromium in a container, with nothing phoning home. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Launches Chromium (playwright gives it a fresh temporary profile). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: FLAGS,
    timeout: 60_000,
  });
}

/** A signed-in user in their own browser context. */
export interface ChatUser {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Messages of every dialog (alert, confirm, …) the page opened. */
  dialogs: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
}

/**
 * Opens the demo in a new context at `path` and signs in as `name`.
 * @example const alice = await signIn(browser, server.url, "/?room=x", "Alice");
 */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  path: string,
  name: string,
  viewport = { width: 1100, height: 720 },
  options: { moderator?: boolean } = {},
): Promise<ChatUser> {
  const context = await browser.newContext({ viewport, baseURL: baseUrl });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const user: ChatUser = { name, context, page, dialogs: [], errors: [] };
  page.on("dialog", (dialog) => {
    user.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("pageerror", (err) => user.errors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") user.errors.push(msg.text());
  });
  await page.goto(path);
  await page.getByLabel("Your display name").fill(name);
  if (options.moderator) await page.getByLabel("Sign in as a moderator").check();
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("#status[data-status='open']").waitFor();
  return user;
}

/** Types `text` into the message box and presses Enter. */
export async function say(user: ChatUser, text: string): Promise<void> {
  const box = user.page.getByLabel("Your message");
  await box.fill(text);
  await box.press("Enter");
}

/** The texts of the delivered and pending messages, top to bottom. */
export function messageTexts(user: ChatUser): Promise<string[]> {
  return user.page.locator("#messages .bubble").allTextContents();
}
