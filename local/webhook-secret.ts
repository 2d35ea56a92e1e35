/**
 * The key webhook bodies are signed with on the one-machine stack (X-Signature, see
 * core/webhooks/signature.ts): env WEBHOOK_SECRET when set, else the key kept in
 * `<DATA_DIR>/webhook.secret` (mode 0600), created at the first start — so receivers keep
 * verifying across restarts. Give receivers the file's content; deleting it makes a new one.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { ENV, type Env, readVariable } from "../core/config.js";
import { ensureStackSecret } from "./key-file.js";

export const WEBHOOK_SECRET_FILE = "webhook.secret";

/** A shorter key is refused: an HMAC key is only as strong as it is long. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

export interface WebhookSecret {
  /** The key. */
  key: string;
  /** Where it came from, for the start-up line. */
  source: "env" | "file" | "created";
  /** The file it is kept in (when not from the environment). */
  path?: string;
}

/** Returns the key to use, creating the file when there is neither a variable nor a file. Throws with a one-line message on a short key. */
export function ensureWebhookSecret(dataDir: string, env?: Env): WebhookSecret {
  return ensureStackSecret({
    envName: ENV.webhookSecret,
    envValue: readVariable("webhookSecret", env),
    path: join(dataDir, WEBHOOK_SECRET_FILE),
    generate: () => randomBytes(32).toString("hex"),
    check: (candidate, where) => void checked(candidate, where),
  });
}

/** A short key is an error naming where it came from, never its value. */
function checked(key: string, where: string): string {
  if (key.length < MIN_WEBHOOK_SECRET_LENGTH)
    throw new Error(`${where} must hold at least ${MIN_WEBHOOK_SECRET_LENGTH} characters (e.g. openssl rand -hex 32)`);
  return key;
}
