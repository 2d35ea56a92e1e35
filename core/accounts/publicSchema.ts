import * as z from "zod";
import { ACCOUNT_PLATFORMS, ACCOUNT_STATUSES, type Account, LOGIN_STATES, type LoginSession } from "./model.js";

const timestamp = z.iso.datetime().meta({ description: "ISO 8601 UTC time", examples: ["2026-11-28T20:02:11.513Z"] });

/**
 * A stored account as the API returns it ({@link toPublicAccount}): never its cookies.
 * The OpenAPI document is generated from this schema; the type check at the bottom keeps
 * it and the {@link Account} interface in step.
 */
export const publicAccountSchema = z
  .object({
    account_id: z.string().meta({ description: "ULID: 26 characters", examples: ["01M8HWBHXSQSW0J6WTX6QDT7XA"] }),
    platform: z.enum(ACCOUNT_PLATFORMS),
    note: z.string().optional().meta({ description: "The note given when it was stored" }),
    status: z.enum(ACCOUNT_STATUSES).meta({
      description:
        "active: picked for tasks in turn; expired: the site asked for a login; banned: the site answered with risk control",
    }),
    status_reason: z
      .string()
      .optional()
      .meta({
        description: "Why a crawl last set the status",
        examples: ["RISK_CONTROL: xhs: 461 verification required"],
      }),
    created_at: timestamp,
    updated_at: timestamp,
    last_used_at: timestamp.optional().meta({ description: "When a crawl last picked it; absent until then" }),
    use_count: z.int().min(0),
    fingerprint: z.string().meta({
      description:
        "First 16 hex digits of SHA-256 of the normalized cookies: tells two uploads apart without showing them",
      examples: ["3f1c9a0d5e7b2c48"],
    }),
    cookie_count: z.int().min(0),
    throttle_strikes: z.int().min(0).optional().meta({
      description: "Throttled crawls in a row (each within an hour of the last); at 3 the account rests 30 minutes",
    }),
    last_throttled_at: timestamp.optional().meta({ description: "When a crawl with it was last throttled" }),
    rest_until: timestamp
      .optional()
      .meta({ description: "Crawls do not pick it before this (it was throttled repeatedly); still active" }),
  })
  .meta({ description: "A stored account of a media platform (never its cookies)" });

// Fails to compile when the interface and the schema disagree on a field, in either direction.
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : never;
const _keysMatch: SameKeys<Account, z.output<typeof publicAccountSchema>> = true;
const _outputFitsAccount: Account = {} as z.output<typeof publicAccountSchema>;
void _keysMatch;
void _outputFitsAccount;

/** A QR login session as the API returns it (core/accounts/loginSession.ts). */
export const publicLoginSessionSchema = z
  .object({
    session_id: z.string().meta({ description: "ULID: 26 characters", examples: ["01M8HWBHXSQSW0J6WTX6QDT7XA"] }),
    platform: z.enum(ACCOUNT_PLATFORMS),
    state: z.enum(LOGIN_STATES).meta({
      description:
        "waiting: scan the QR code (qr_image, once captured); scanned: confirm on the phone; done: signed in (account_id); expired: not confirmed before expires_at; refused: declined on the phone; failed: see reason",
    }),
    account_id: z.string().optional().meta({
      description: "A re-login: the expired account that gets the new cookies. Done: the account signed in",
    }),
    created_at: timestamp,
    updated_at: timestamp,
    expires_at: timestamp.meta({ description: "The session is expired after this unless it is done" }),
    qr_image: z.string().optional().meta({
      description: "The QR code as the login page showed it: a data:image/png;base64 URL; absent until captured",
    }),
    qr_text: z.string().optional().meta({ description: "The QR code's text, when it decoded (to draw it again)" }),
    reason: z.string().optional().meta({ description: "Why it failed, expired or was refused" }),
  })
  .meta({ description: "A sign-in by QR code: the image to scan and how far the phone got" });

const _sessionKeysMatch: SameKeys<LoginSession, z.output<typeof publicLoginSessionSchema>> = true;
const _outputFitsSession: LoginSession = {} as z.output<typeof publicLoginSessionSchema>;
void _sessionKeysMatch;
void _outputFitsSession;
