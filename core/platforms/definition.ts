import type { z } from "zod";

/**
 * What a platform is, apart from how it crawls: browser-free, so the API, the dashboard and
 * the CLI read it without pulling in puppeteer. Each platform folder exports one
 * (`definition.ts`); core/platforms/registry.ts lists them, and everything else that names
 * platforms (the API's validation, account platforms, the dashboard's labels and form, CLI
 * help, the OpenAPI document, export columns) is derived from that list. The crawler side is
 * the folder's `index.ts`, which only the crawler function loads (core/platforms/crawlers.ts).
 */

/** What every create-task body carries. */
export interface TaskInputBase<Name extends string = string> {
  platform: Name;
  crawler_type: string;
}

/** What a task's export columns depend on. */
export interface ExportTask {
  platform: string;
  crawler_type: string;
  params: Record<string, unknown>;
}

export interface PlatformDefinition<
  Name extends string = string,
  Input extends TaskInputBase<Name> = TaskInputBase<Name>,
  Accounts extends boolean = boolean,
> {
  /** The API's name, also the folder's: `xhs`. */
  readonly name: Name;
  /** What people call it: "小红书" (shown as "小红书 xhs"). */
  readonly label: string;
  /** Its tasks take stored accounts (cookies) and proxies: the media platforms do, the web does not. */
  readonly accounts: Accounts;
  /** Parses a whole create-task body for this platform (strict). */
  readonly inputSchema: z.ZodType<Input>;
  /** The values `sort` takes, in the order the docs and the CLI list them; [] without a sort. */
  readonly sorts: readonly string[];
  /**
   * Its stored items' data, one strict schema per `item_type` (web: `page`; media: `content`,
   * `comment`, `creator`, `probe`): what the OpenAPI document publishes as the result schema
   * and what tests hold every crawled item to.
   */
  readonly items: Readonly<Record<string, z.ZodObject>>;
  /**
   * The kinds whose failed items (`ok: false`) have another shape, and that shape (media: a
   * post the site no longer shows keeps only its ids and URL). Other kinds fail in their
   * own schema (a web page has every field, `error` set).
   */
  readonly failedItems?: Readonly<Record<string, z.ZodObject>>;
  /** The dot-path CSV columns of a task's items, in order (the item keys excluded). */
  exportColumns(task: ExportTask): string[];
}

/** A definition with its name and `accounts` kept as literals, so the registry can derive typed lists from them. */
export function definePlatform<
  const Name extends string,
  Input extends TaskInputBase<Name>,
  const Accounts extends boolean,
>(definition: PlatformDefinition<Name, Input, Accounts>): PlatformDefinition<Name, Input, Accounts> {
  return definition;
}
