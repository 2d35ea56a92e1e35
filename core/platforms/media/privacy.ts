import { createHmac } from "node:crypto";
import { ENV, type Env, readVariable } from "../../config.js";
import { NonRetryableCrawlError } from "../../errors.js";
import type { CreatorInfo, MediaPlatformName } from "./types.js";

/**
 * How creators (authors of posts and comments) are stored.
 *
 * By default nobody's identity is kept: `creator_hash` is a keyed hash of the site's
 * user id (the same person gets the same hash in every task of this deployment, so
 * analyses can still group by author, but the hash cannot be turned back into the id
 * without the key) and `creator_nickname` keeps only the first character.
 * With `keep_user_info: true` the task asked to store what the site shows:
 * `user_id`, `nickname`, `avatar`, `ip_location`.
 *
 * The key is env `CREATOR_HASH_SECRET`: on AWS the SST secret `CreatorHashSecret`
 * (infra/privacy.ts, `npx sst secret set CreatorHashSecret <random>`); on the
 * one-machine stack a random key generated once under DATA_DIR/creator-hash.key.
 * Changing it changes every hash (old and new results no longer group together).
 */

export const CREATOR_HASH_SECRET_ENV = ENV.creatorHashSecret;
/** Shorter keys are refused: a guessable key lets anyone hash candidate ids and compare. */
export const MIN_SECRET_LENGTH = 16;

/** Stored creator fields, privacy default. */
export interface HashedCreatorFields {
  creator_hash: string | null;
  creator_nickname: string | null;
}

/** Stored creator fields with keep_user_info; null where the site showed nothing. */
export interface KeptCreatorFields {
  user_id: string | null;
  nickname: string | null;
  avatar: string | null;
  ip_location: string | null;
}

/** The hashing key, or a NonRetryableCrawlError (`CONFIG_MISSING`) naming the variable to set. */
export function creatorHashSecret(env?: Env): string {
  const secret = readVariable("creatorHashSecret", env);
  if (secret === undefined || secret.length < MIN_SECRET_LENGTH) {
    throw new NonRetryableCrawlError(
      "CONFIG_MISSING",
      `${CREATOR_HASH_SECRET_ENV} must be set to a random string of at least ${MIN_SECRET_LENGTH} characters (the key creator ids are hashed with)`,
    );
  }
  return secret;
}

/** HMAC-SHA256(secret, "<platform>:<user_id>") as hex: stable per deployment, not reversible without the key. */
export function creatorHash(platform: MediaPlatformName, userId: string, secret: string = creatorHashSecret()): string {
  return createHmac("sha256", secret).update(`${platform}:${userId}`).digest("hex");
}

/**
 * First character (a whole code point, so an emoji or a CJK character is never cut in
 * half), then "***"; empty stays empty.
 *
 * @example maskNickname("小红薯123") // "小***"
 */
export function maskNickname(nickname: string): string {
  const first = Array.from(nickname.trim())[0];
  return first === undefined ? "" : `${first}***`;
}

/**
 * The creator fields of one stored item. `creator` undefined (the site showed no
 * author) gives the same keys with null values, so every item has the same shape.
 *
 * @example
 * creatorFields("xhs", { user_id: "5f1", nickname: "小红薯123" }, false)
 * // { creator_hash: "9c0e…", creator_nickname: "小***" }
 */
export function creatorFields(
  platform: MediaPlatformName,
  creator: CreatorInfo | undefined,
  keepUserInfo: boolean,
): HashedCreatorFields | KeptCreatorFields {
  if (keepUserInfo) {
    return {
      user_id: creator?.user_id || null,
      nickname: creator?.nickname ?? null,
      avatar: creator?.avatar || null,
      ip_location: creator?.ip_location || null,
    };
  }
  if (creator === undefined || creator.user_id === "") return { creator_hash: null, creator_nickname: null };
  return {
    creator_hash: creatorHash(platform, creator.user_id),
    creator_nickname: maskNickname(creator.nickname ?? ""),
  };
}
