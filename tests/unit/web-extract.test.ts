import { describe, expect, it } from "vitest";
import { BoundedChannel } from "../../core/platforms/web/channel.js";
import { parseSelectors } from "../../core/platforms/web/extract.js";

describe("parseSelectors", () => {
  it("splits a trailing @attr from the CSS selector", () => {
    expect(parseSelectors({ next: "a.next@href", title: "h1", og: 'meta[property="og:image"] @content' })).toEqual([
      { name: "next", css: "a.next", attr: "href" },
      { name: "title", css: "h1", attr: null },
      { name: "og", css: 'meta[property="og:image"]', attr: "content" },
    ]);
  });

  it("leaves an @ inside an attribute selector alone", () => {
    expect(parseSelectors({ mail: 'a[href*="@example"]' })).toEqual([
      { name: "mail", css: 'a[href*="@example"]', attr: null },
    ]);
    expect(parseSelectors({ mail: 'a[href*="@"]@href' })).toEqual([
      { name: "mail", css: 'a[href*="@"]', attr: "href" },
    ]);
  });

  it("returns nothing without selectors", () => {
    expect(parseSelectors(undefined)).toEqual([]);
  });
});

describe("BoundedChannel", () => {
  it("makes producers wait while the buffer is full", async () => {
    const channel = new BoundedChannel<number>(1);
    expect(await channel.push(1)).toBe(true);
    let secondPushed = false;
    const second = channel.push(2).then((accepted) => {
      secondPushed = accepted;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(secondPushed).toBe(false);

    expect(await channel.pull()).toEqual({ done: false, value: 1 });
    await second;
    expect(secondPushed).toBe(true);
    channel.close();
    expect(await channel.pull()).toEqual({ done: false, value: 2 });
    expect(await channel.pull()).toEqual({ done: true, value: undefined });
  });

  it("delivers buffered items before the failure", async () => {
    const channel = new BoundedChannel<string>(4);
    await channel.push("a");
    channel.fail(new Error("boom"));
    expect(await channel.push("b")).toBe(false);
    expect(await channel.pull()).toEqual({ done: false, value: "a" });
    await expect(channel.pull()).rejects.toThrow("boom");
  });

  it("discard drops buffered items and releases waiting producers", async () => {
    const channel = new BoundedChannel<string>(1);
    await channel.push("a");
    const blocked = channel.push("b");
    channel.discard();
    expect(await blocked).toBe(false);
    expect(await channel.pull()).toEqual({ done: true, value: undefined });
  });

  it("wakes a waiting consumer", async () => {
    const channel = new BoundedChannel<string>(2);
    const pulled = channel.pull();
    await channel.push("x");
    expect(await pulled).toEqual({ done: false, value: "x" });
  });
});
