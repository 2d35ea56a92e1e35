import { createHash } from "node:crypto";
import type { MediaPlatformName, MediaRecord } from "./types.js";

/** Longer keys (UTF-8 bytes) are hashed: DynamoDB sort keys cap at 1024 bytes. */
const MAX_ITEM_KEY_BYTES = 900;

/**
 * The stable key of a media item, "<platform>:<item_type>:<id>" (e.g.
 * "xhs:content:6650a1b2c3d4e5f6a7b8c9d0"): crawling the same post again overwrites it.
 */
export function mediaItemKey(
  platform: MediaPlatformName,
  itemType: MediaRecord["item_type"] | "probe",
  id: string,
): string {
  const key = `${platform}:${itemType}:${id}`;
  if (Buffer.byteLength(key, "utf8") <= MAX_ITEM_KEY_BYTES) return key;
  return `${platform}:${itemType}:sha256:${createHash("sha256").update(id).digest("hex")}`;
}
