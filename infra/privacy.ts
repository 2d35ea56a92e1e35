/**
 * The key creator ids are hashed with (core/platforms/media/privacy.ts): media results
 * store `creator_hash` = HMAC-SHA256(key, "<platform>:<user_id>") instead of who wrote a
 * post, unless a task sets keep_user_info. Required, no placeholder:
 * `sst secret set CreatorHashSecret "$(openssl rand -hex 32)"`. Keep it: a new key gives
 * every creator a new hash, so old and new results no longer group by author.
 * Only the crawler gets it, as the environment variable CREATOR_HASH_SECRET.
 */
import { ENV } from "../core/config";

export const creatorHashSecret = new sst.Secret("CreatorHashSecret");

/** What the crawler function's environment gets. */
export const privacyCrawlerEnvironment = { [ENV.creatorHashSecret]: creatorHashSecret.value };
