/**
 * The key the one-machine stack signs media download links with (core/media/linkSignature.ts):
 * env MEDIA_LINK_SECRET when set, else the key kept in `<DATA_DIR>/media-link.secret`
 * (mode 0600), created at the first start, so links handed out stay valid across restarts
 * until they expire. Deleting the file voids every link given so far.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { ENV, type Env, readVariable } from "../core/config.js";
import { ensureStackSecret, type StackSecret } from "./key-file.js";

export const MEDIA_LINK_SECRET_FILE = "media-link.secret";

export function ensureMediaLinkSecret(dataDir: string, env?: Env): StackSecret {
  return ensureStackSecret({
    envName: ENV.mediaLinkSecret,
    envValue: readVariable("mediaLinkSecret", env),
    path: join(dataDir, MEDIA_LINK_SECRET_FILE),
    generate: () => randomBytes(32).toString("hex"),
    check: (key, where) => {
      if (key.length < 16) throw new Error(`${where} must hold at least 16 characters (e.g. openssl rand -hex 32)`);
    },
  });
}
