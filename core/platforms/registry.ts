import { ValidationError } from "../errors.js";
import { PLATFORM_NAMES, type PlatformName, type PlatformSpec } from "./types.js";
import { biliSpec } from "./bili/schema.js";
import { dySpec } from "./dy/schema.js";
import { ksSpec } from "./ks/schema.js";
import { tiebaSpec } from "./tieba/schema.js";
import { webSpec } from "./web/schema.js";
import { wbSpec } from "./wb/schema.js";
import { xhsSpec } from "./xhs/schema.js";
import { zhihuSpec } from "./zhihu/schema.js";

/**
 * Every platform's validation side (no browser code here: the API imports this). A Record,
 * so a platform added to PLATFORM_NAMES without its spec does not compile.
 */
const specs: Record<PlatformName, PlatformSpec> = {
  web: webSpec as unknown as PlatformSpec,
  xhs: xhsSpec as unknown as PlatformSpec,
  dy: dySpec as unknown as PlatformSpec,
  ks: ksSpec as unknown as PlatformSpec,
  bili: biliSpec as unknown as PlatformSpec,
  wb: wbSpec as unknown as PlatformSpec,
  tieba: tiebaSpec as unknown as PlatformSpec,
  zhihu: zhihuSpec as unknown as PlatformSpec,
};

export function isPlatformName(value: unknown): value is PlatformName {
  return typeof value === "string" && (PLATFORM_NAMES as readonly string[]).includes(value);
}

/** The platform for `name`, or a 400 that says what is and is not supported. */
export function getPlatform(name: unknown): PlatformSpec {
  if (name === undefined) throw new ValidationError("platform: is required", "platform");
  if (!isPlatformName(name)) {
    throw new ValidationError(`platform: must be one of ${PLATFORM_NAMES.map((p) => `"${p}"`).join(", ")}`, "platform");
  }
  return specs[name];
}

export function availablePlatforms(): PlatformName[] {
  return [...PLATFORM_NAMES];
}
