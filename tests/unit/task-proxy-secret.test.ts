/**
 * A media task's credentialed proxy at rest (core/tasks/proxySecret.ts): stored sealed with
 * the accounts key and masked in `params`, opened only for the crawl, bound to its task.
 */
import { describe, expect, it } from "vitest";
import { AccountsKeyring } from "../../core/accounts/crypto.js";
import { prepareMediaCrawl } from "../../core/crawl/mediaSetup.js";
import type { Task } from "../../core/tasks/model.js";
import { sealTaskProxy, taskProxy } from "../../core/tasks/proxySecret.js";

const keyring = new AccountsKeyring([Buffer.alloc(32, 1)]);
const proxy = "http://crawler:pa55-w0rd@127.0.0.1:3128";

function task(taskId: string, given: Record<string, unknown>): Task {
  const { params, proxy_sealed } = sealTaskProxy(taskId, given, () => keyring);
  return {
    task_id: taskId,
    platform: "xhs",
    crawler_type: "search",
    params,
    ...(proxy_sealed ? { proxy_sealed } : {}),
    status: "pending",
    attempts: 0,
    max_attempts: 3,
    created_at: "",
    updated_at: "",
    progress: { pages_done: 0, items: 0, errors: 0 },
    result_count: 0,
  };
}

describe("a task's proxy at rest", () => {
  it("is stored masked, its password only inside the sealed value, and opens for the crawl", () => {
    const stored = task("T1", { keywords: ["x"], proxy });
    expect(stored.params.proxy).toBe("http://crawler:***@127.0.0.1:3128");
    expect(JSON.stringify(stored)).not.toContain("pa55-w0rd");
    expect(taskProxy(stored, () => keyring)).toBe(proxy);
  });

  it("is left as it is without credentials", () => {
    const stored = task("T2", { keywords: ["x"], proxy: "http://127.0.0.1:3128" });
    expect(stored.params.proxy).toBe("http://127.0.0.1:3128");
    expect(stored.proxy_sealed).toBeUndefined();
  });

  it("does not open on another task, or without its key", () => {
    const sealed = task("T3", { keywords: ["x"], proxy }).proxy_sealed!;
    expect(() => taskProxy({ task_id: "T4", params: {}, proxy_sealed: sealed }, () => keyring)).toThrow(
      expect.objectContaining({ code: "PROXY_UNREADABLE" }),
    );
    expect(() =>
      taskProxy({ task_id: "T3", params: {}, proxy_sealed: sealed }, () => new AccountsKeyring([Buffer.alloc(32, 2)])),
    ).toThrow(expect.objectContaining({ code: "PROXY_UNREADABLE" }));
  });

  it("reaches the crawl opened (the accounts key from the environment, as the crawler reads it)", async () => {
    const before = process.env.ACCOUNTS_ENCRYPTION_KEY;
    process.env.ACCOUNTS_ENCRYPTION_KEY = Buffer.alloc(32, 1).toString("base64");
    try {
      const setup = await prepareMediaCrawl(task("T5", { keywords: ["x"], proxy }), {});
      expect(setup.proxy).toBe(proxy);
    } finally {
      if (before === undefined) delete process.env.ACCOUNTS_ENCRYPTION_KEY;
      else process.env.ACCOUNTS_ENCRYPTION_KEY = before;
    }
  });
});
