import { API_KEY_SHA256_ENV, digestsOfKeys } from "../core/auth/apiKeys";

/**
 * The API key(s) clients send: `sst secret set ApiKey <key>`, or `<new-key>,<old-key>` while
 * rotating. Never linked to a function: only the digests below reach the API's environment.
 */
export const apiKeySecret = new sst.Secret("ApiKey");

/** Comma-separated hex SHA-256 of the secret's keys, computed at deploy time. */
export const apiKeySha256 = apiKeySecret.value.apply((keys) => digestsOfKeys(keys));

/** What the API function's environment gets (core/auth reads API_KEY_SHA256). */
export const apiKeyEnvironment = { [API_KEY_SHA256_ENV]: apiKeySha256 };
