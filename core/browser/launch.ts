import chromium from "@sparticuz/chromium";
import puppeteer, { type Browser } from "puppeteer-core";
import { ENV, readVariable } from "../config.js";
import { RetryableCrawlError } from "../errors.js";
import type { EgressPolicy } from "../net/index.js";
import { assertNoProxyOverride, bindEgressProxy, egressArgs, startEgressProxy } from "./egress.js";

/** How Chromium is started. */
export interface LaunchChromiumOptions {
  /**
   * The Chromium binary. Falls back to env `CHROMIUM_PATH`, then to the binary
   * @sparticuz/chromium unpacks into /tmp/chromium (about 2 s the first time per sandbox).
   * @default env CHROMIUM_PATH ?? await chromium.executablePath()
   */
  executablePath?: string;
  /**
   * Keep `--single-process` from @sparticuz/chromium's flags. Lambda needs it (Chromium
   * cannot spawn its helper processes there), but in this mode a second browser context
   * crashes the browser, so task isolation falls back to clearing the default context.
   * Turn it off where processes can be spawned (this machine, containers) to get one
   * incognito context per task and several tasks per browser.
   * @default true
   */
  singleProcess?: boolean;
  /** Extra Chromium flags, appended last. @default [] */
  extraArgs?: string[];
  /** How long Chromium may take to start. @default 30_000 */
  launchTimeoutMs?: number;
  /**
   * Upper bound for one DevTools call, so a page stuck in a script cannot hang a crawl
   * for puppeteer's default of 3 minutes. Keep it above the longest page timeout (120 s).
   * @default 150_000
   */
  protocolTimeoutMs?: number;
  /**
   * Where the browser may connect. Every request Chromium makes goes through an egress
   * proxy (core/net/egressProxy.ts) started with the browser and closed with it, which
   * refuses loopback, private, link-local and other non-public addresses after resolving
   * them itself. `false` launches without it (nothing checks where pages connect).
   * @default {} (public addresses only; private ones too with env ALLOW_PRIVATE_TARGETS=1)
   */
  egress?: EgressPolicy | false;
}

export const launchDefaults = {
  singleProcess: true,
  extraArgs: [],
  launchTimeoutMs: 30_000,
  protocolTimeoutMs: 150_000,
  egress: {},
} as const satisfies Omit<Required<LaunchChromiumOptions>, "executablePath">;

/** Environment variable naming a Chromium binary to use instead of @sparticuz/chromium's. */
export const CHROMIUM_PATH_ENV = ENV.chromiumPath;

const SINGLE_PROCESS_FLAG = "--single-process";

/**
 * One unpack per process: two launches racing on a cold sandbox would otherwise both
 * inflate ~200 MB into the same /tmp files.
 */
let sparticuzPath: Promise<string> | undefined;

/** The binary to start: option, then env CHROMIUM_PATH, then @sparticuz/chromium. */
export async function resolveExecutablePath(
  options: Pick<LaunchChromiumOptions, "executablePath"> = {},
): Promise<string> {
  const explicit = options.executablePath ?? readVariable("chromiumPath");
  if (explicit !== undefined && explicit !== "") return explicit;
  sparticuzPath ??= chromium.executablePath().catch((error: unknown) => {
    sparticuzPath = undefined;
    throw error;
  });
  return sparticuzPath;
}

/** Flags for {@link launchChromium}: puppeteer's defaults merged with @sparticuz/chromium's. */
export async function chromiumArgs(
  options: Pick<LaunchChromiumOptions, "singleProcess" | "extraArgs"> & {
    /** The egress proxy's URL: every request goes through it. */
    proxyUrl?: string;
  } = {},
): Promise<string[]> {
  const { singleProcess, extraArgs, proxyUrl } = { ...launchDefaults, ...options };
  const serverless = singleProcess ? chromium.args : chromium.args.filter((flag) => flag !== SINGLE_PROCESS_FLAG);
  if (proxyUrl !== undefined) assertNoProxyOverride(extraArgs);
  const egress = proxyUrl === undefined ? [] : egressArgs(proxyUrl);
  // puppeteer-core 25 returns a Promise here (24 returned an array).
  const args = await puppeteer.defaultArgs({ args: [...serverless, ...egress], headless: "shell" });
  return [...args, ...extraArgs];
}

/**
 * Starts headless Chromium the way it runs on Lambda, behind its own egress proxy (see
 * `egress`). The caller owns the browser and closes it; the proxy closes with it. A failed launch is a {@link RetryableCrawlError} (`BROWSER_LAUNCH_FAILED`):
 * a full /tmp or a slow cold start usually passes on the next delivery.
 *
 * @example
 * const browser = await launchChromium();
 * try { ... } finally { await browser.close(); }
 */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const settings = { ...launchDefaults, ...options };
  if (settings.egress !== false) assertNoProxyOverride(settings.extraArgs);
  const proxy = settings.egress === false ? undefined : await startEgressProxy(settings.egress);
  try {
    const [executablePath, args] = await Promise.all([
      resolveExecutablePath(settings),
      chromiumArgs({ ...settings, proxyUrl: proxy?.url }),
    ]);
    const browser = await puppeteer.launch({
      executablePath,
      args,
      headless: "shell",
      // A pipe instead of a WebSocket: Chromium exits with the process that started it,
      // so a worker killed by SIGKILL or OOM leaves no orphan browser behind.
      pipe: true,
      // The process owner decides about shutdown, not puppeteer's own signal handlers.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: settings.launchTimeoutMs,
      protocolTimeout: settings.protocolTimeoutMs,
    });
    if (proxy !== undefined) bindEgressProxy(browser, proxy);
    return browser;
  } catch (error) {
    await proxy?.close();
    const message = error instanceof Error ? error.message : String(error);
    throw new RetryableCrawlError("BROWSER_LAUNCH_FAILED", `could not start Chromium: ${message.slice(0, 500)}`, {
      cause: error,
    });
  }
}
