import { ValidationError } from "../errors.js";
import { quotedList } from "../validation.js";
import { biliDefinition } from "./bili/definition.js";
import type { ExportTask, PlatformDefinition } from "./definition.js";
import { dyDefinition } from "./dy/definition.js";
import { ksDefinition } from "./ks/definition.js";
import { tiebaDefinition } from "./tieba/definition.js";
import { wbDefinition } from "./wb/definition.js";
import { webDefinition } from "./web/definition.js";
import { xhsDefinition } from "./xhs/definition.js";
import { zhihuDefinition } from "./zhihu/definition.js";

/**
 * Every platform, registered once: a platform is its folder plus its line here. Everything
 * that lists platforms is derived from this (names, account platforms, labels, the API's
 * validation, the dashboard's form, CLI help, the OpenAPI document, export columns); the
 * crawler function loads each folder's crawler side by name (crawlers.ts). Browser-free:
 * the API and the dashboard import it.
 */
export const PLATFORMS = [
  webDefinition,
  xhsDefinition,
  dyDefinition,
  ksDefinition,
  biliDefinition,
  wbDefinition,
  tiebaDefinition,
  zhihuDefinition,
] as const;

type RegisteredPlatform = (typeof PLATFORMS)[number];
export type PlatformName = RegisteredPlatform["name"];
/** The platforms whose tasks take stored accounts and proxies. */
export type AccountPlatformName = Extract<RegisteredPlatform, { accounts: true }>["name"];

export const PLATFORM_NAMES: readonly PlatformName[] = PLATFORMS.map((platform) => platform.name);
export const ACCOUNT_PLATFORMS: readonly AccountPlatformName[] = PLATFORMS.flatMap((platform) =>
  platform.accounts ? [platform.name] : [],
);

const byName = new Map<string, PlatformDefinition>(PLATFORMS.map((platform) => [platform.name, platform]));

export function isPlatformName(value: unknown): value is PlatformName {
  return typeof value === "string" && byName.has(value);
}

/** The platform for `name`, or a 400 that says what is and is not supported. */
export function getPlatform(name: unknown): PlatformDefinition {
  if (name === undefined) throw new ValidationError("platform: is required", "platform");
  const platform = typeof name === "string" ? byName.get(name) : undefined;
  if (platform === undefined) {
    throw new ValidationError(`platform: must be one of ${quotedList(PLATFORM_NAMES)}`, "platform");
  }
  return platform;
}

export function availablePlatforms(): PlatformName[] {
  return [...PLATFORM_NAMES];
}

/** "小红书 xhs"; the web platform is just "web"; an unknown name as given. */
export function platformLabel(name: string): string {
  const platform = byName.get(name);
  return platform === undefined || !platform.accounts ? name : `${platform.label} ${name}`;
}

/** The dot-path columns a task's items have, in CSV order (the item keys excluded); [] for an unknown platform. */
export function platformExportColumns(task: ExportTask): string[] {
  return byName.get(task.platform)?.exportColumns(task) ?? [];
}
