import { ulid } from "ulid";
import * as z from "zod";
import { ConflictError, NotFoundError, ValidationError } from "../errors.js";
import type { TaskQueue } from "../queue/taskQueue.js";
import { parseOrThrow, quotedList } from "../validation.js";
import { ACCOUNT_PLATFORMS } from "./model.js";
import { type LoginSession, type LoginSessionStore, OPEN_LOGIN_STATES } from "./loginSession.js";
import type { AccountStore } from "./store.js";

/** How long a user has to scan and confirm: QR codes on these sites turn stale within minutes. */
export const LOGIN_SESSION_TTL_SECS = 180;
/**
 * A session still open this long after `expires_at` was abandoned by its crawler (killed, or
 * never delivered): the API shows it as expired.
 */
const ABANDONED_AFTER_MS = 60_000;

export interface LoginServiceDeps {
  sessions: LoginSessionStore;
  accounts: AccountStore;
  /** The crawler's queue: a login message starts the browser side. */
  queue: TaskQueue;
  /** @default LOGIN_SESSION_TTL_SECS */
  ttlSecs?: number;
  now?: () => Date;
}

const startSchema = z.strictObject({
  platform: z.string({ error: "is required" }).superRefine((value, ctx) => {
    if (!ACCOUNT_PLATFORMS.some((name) => name === value))
      ctx.addIssue({
        code: "custom",
        message: `${JSON.stringify(value.slice(0, 40))} has no QR login: must be one of ${quotedList(ACCOUNT_PLATFORMS)}`,
      });
  }),
  account_id: z
    .string({ error: "must be a string" })
    .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { error: "must be an account id (26 characters)" })
    .optional(),
});

const SESSION_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The API side of a sign-in by QR code: start a session, read it back. */
export class LoginService {
  constructor(private readonly deps: LoginServiceDeps) {}

  /**
   * Starts a session (`waiting`) and asks the crawler to open the login page. With
   * `account_id`, a re-login: that account must be `expired` and of the same platform, and
   * gets the new cookies when the session is done.
   */
  async start(body: unknown): Promise<LoginSession> {
    const input = parseOrThrow(startSchema, body ?? {});
    const platform = ACCOUNT_PLATFORMS.find((name) => name === input.platform);
    if (platform === undefined) throw new ValidationError("platform: is required", "platform");
    if (input.account_id !== undefined) {
      const account = await this.deps.accounts.get(input.account_id);
      if (account === undefined)
        throw new NotFoundError(`account_id: account ${JSON.stringify(input.account_id)} not found`);
      if (account.platform !== platform)
        throw new ValidationError(
          `account_id: account ${account.account_id} is a "${account.platform}" account, not "${platform}"`,
          "account_id",
        );
      if (account.status !== "expired")
        throw new ConflictError(
          `account_id: account ${account.account_id} is ${account.status}; only an expired account signs in again`,
        );
    }
    const now = this.#now();
    const session: LoginSession = {
      session_id: ulid(now.getTime()),
      platform,
      state: "waiting",
      ...(input.account_id !== undefined ? { account_id: input.account_id } : {}),
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      expires_at: new Date(now.getTime() + (this.deps.ttlSecs ?? LOGIN_SESSION_TTL_SECS) * 1000).toISOString(),
    };
    await this.deps.sessions.create(session);
    try {
      await this.deps.queue.send({ login_session_id: session.session_id });
    } catch (error) {
      // Not left waiting for a crawler that was never asked.
      await this.deps.sessions
        .update(session.session_id, { state: "failed", reason: "the crawler queue did not answer" }, ["waiting"])
        .catch(() => undefined);
      throw error;
    }
    return session;
  }

  /** The session; one its crawler abandoned well past `expires_at` shows (and is stored) as expired. */
  async get(sessionId: string): Promise<LoginSession> {
    const session = SESSION_ID.test(sessionId) ? await this.deps.sessions.get(sessionId) : undefined;
    if (session === undefined)
      throw new NotFoundError(`session_id: login session ${JSON.stringify(sessionId.slice(0, 64))} not found`);
    const abandoned =
      OPEN_LOGIN_STATES.includes(session.state) &&
      this.#now().getTime() > Date.parse(session.expires_at) + ABANDONED_AFTER_MS;
    if (!abandoned) return session;
    const expired = await this.deps.sessions.update(
      sessionId,
      { state: "expired", reason: "nobody confirmed the login in time" },
      OPEN_LOGIN_STATES,
    );
    return expired ?? (await this.deps.sessions.get(sessionId)) ?? session;
  }

  #now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

export { startSchema as loginStartSchema };
