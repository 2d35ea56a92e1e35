/**
 * Holds crawled items to the schemas the API publishes (each platform definition's `items`):
 * strict, so a mapper that adds, renames or retypes a field without its schema fails the
 * test that crawled it. Web page items are checked against the task's selectors (their one
 * open part); media items against their platform's schema for their item_type.
 */
import { expect } from "vitest";
import { getPlatform } from "../../core/platforms/registry.js";
import type { ResultItem } from "../../core/platforms/types.js";
import { webPageItemSchemaFor } from "../../core/platforms/web/itemSchema.js";

/** The task fields that change a web item's fields: its selectors. */
export interface ItemTask {
  selectors?: Record<string, unknown> | undefined;
}

/** What is wrong with `item` against its schema ([] when it matches). */
export function itemProblems(item: ResultItem, task: ItemTask = {}): string[] {
  const { platform, item_type: kind } = item.data;
  const definition = getPlatform(platform);
  const schema =
    platform === "web"
      ? webPageItemSchemaFor(Object.keys(task.selectors ?? {}))
      : ((item.ok ? undefined : definition.failedItems?.[String(kind)]) ?? definition.items[String(kind)]);
  if (schema === undefined)
    return [`${item.item_key}: no schema for platform ${String(platform)} item_type ${String(kind)}`];
  const problems: string[] = [];
  const parsed = schema.safeParse(item.data);
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      problems.push(`${item.item_key}: ${issue.path.join(".") || "(item)"}: ${issue.message}`);
  // `ok` says whether the item records a failure, which `error` then explains.
  const failed = item.data.error !== undefined && item.data.error !== null;
  if (item.ok === failed)
    problems.push(`${item.item_key}: ok is ${item.ok} but error is ${JSON.stringify(item.data.error)}`);
  return problems;
}

/** Fails the test naming every item that does not match its schema. */
export function expectItemsMatchSchemas(items: readonly ResultItem[], task: ItemTask = {}): void {
  expect(items.flatMap((item) => itemProblems(item, task))).toEqual([]);
}
