import { describe, expect, it } from "vitest";
import { pageBudget, taskTarget } from "../../core/tasks/summary.js";

describe("taskTarget", () => {
  it("names a web task by its first URL, a media task by its mode's first input, with +N for the rest", () => {
    expect(taskTarget({ platform: "web", crawler_type: "crawl", params: { urls: ["https://a.example/"] } })).toBe(
      "https://a.example/",
    );
    expect(
      taskTarget({ platform: "web", crawler_type: "detail", params: { urls: ["https://a.example/1", "https://b/2"] } }),
    ).toBe("https://a.example/1 +1");
    const media = { keywords: ["咖啡", "茶", "面包"], specified_ids: [], creator_ids: ["u1"] };
    expect(taskTarget({ platform: "xhs", crawler_type: "search", params: media })).toBe("咖啡 +2");
    expect(taskTarget({ platform: "xhs", crawler_type: "creator", params: media })).toBe("u1");
  });

  it("names a stored URL list by its first URL and its count", () => {
    const params = { url_list: { id: "L", count: 2400, pieces: 3, hosts: {}, preview: ["https://a.example/1"] } };
    expect(taskTarget({ platform: "web", crawler_type: "detail", params })).toBe("https://a.example/1 +2399");
  });

  it("cuts a long target to the room it has, keeping the count", () => {
    const long = `https://a.example/${"x".repeat(100)}`;
    const target = taskTarget({ platform: "web", crawler_type: "detail", params: { urls: [long, long] } }, 30);
    expect(target).toHaveLength(30);
    expect(target).toMatch(/^https:\/\/a\.example\/x+… \+1$/);
  });

  it("is empty for a task that names nothing", () => {
    expect(taskTarget({ platform: "web", crawler_type: "crawl", params: {} })).toBe("");
  });
});

describe("pageBudget", () => {
  it("is a detail task's URL count, a crawl's max_pages, and none for media tasks", () => {
    expect(pageBudget({ platform: "web", crawler_type: "detail", params: { urls: ["u"], max_pages: 50 } })).toBe(1);
    expect(pageBudget({ platform: "web", crawler_type: "crawl", params: { urls: ["u"], max_pages: 50 } })).toBe(50);
    expect(pageBudget({ platform: "dy", crawler_type: "search", params: { max_notes_count: 20 } })).toBeUndefined();
  });
});
