/** `accounts add|list|login|rm`: stored logins for the media platforms. Cookies go up, never come back. */
import { ACCOUNT_PLATFORMS, type Account } from "../../core/accounts/model.js";
import type { LoginSession } from "../../sdk/typescript/src/types.js";
import { stringValue } from "../args.js";
import type { Command } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { orList } from "../help.js";
import { readSource } from "../input.js";
import { ACCOUNT_COLUMNS, accountRow } from "../views.js";

export const addAccountCommand: Command = {
  name: "add",
  summary: "store an account's cookies (encrypted by the API); prints its id",
  usage: "--platform P --cookies FILE|- [--note TEXT]",
  options: {
    platform: { type: "string", value: "P", description: orList(ACCOUNT_PLATFORMS) },
    cookies: {
      type: "string",
      value: "FILE",
      description: 'a file (or - for stdin) with a Cookie header ("a=1; b=2") or a cookie-export JSON array',
    },
    note: { type: "string", value: "TEXT", description: "a note to tell accounts apart (at most 200 characters)" },
  },
  details:
    "The cookies are read from a file or stdin, never from the command line, where ps and shell history would show them.",
  async run({ values, client, out, stdin }) {
    const platform = stringValue(values, "platform");
    if (platform === undefined) throw new UsageError("--platform: is required");
    const source = stringValue(values, "cookies");
    if (source === undefined) throw new UsageError("--cookies: is required (a file, or - for stdin)");
    const cookies = (await readSource("cookies", source, stdin)).trim();
    if (cookies === "") throw new UsageError(`--cookies: ${source === "-" ? "stdin" : source} is empty`);
    const note = stringValue(values, "note");
    const { data } = await client().request<Account>("POST", "/api/v1/accounts", {
      body: { platform, cookies, ...(note === undefined ? {} : { note }) },
    });
    if (out.json) out.printJson(data);
    else out.line(data.account_id);
    return EXIT.ok;
  },
};

export const listAccountsCommand: Command = {
  name: "list",
  summary: "list stored accounts (never their cookies)",
  usage: "[--platform P] [--status active|expired|banned]",
  options: {
    platform: { type: "string", value: "P", description: "only this platform's accounts" },
    status: { type: "string", value: "S", description: "only accounts in this status: active, expired or banned" },
  },
  async run({ values, client, out }) {
    const { data } = await client().request<{ items: Account[] }>("GET", "/api/v1/accounts", {
      query: { platform: stringValue(values, "platform"), status: stringValue(values, "status") },
    });
    if (out.json) out.printJson(data);
    else if (data.items.length === 0) out.note("no accounts");
    else out.table(ACCOUNT_COLUMNS, data.items.map(accountRow));
    return EXIT.ok;
  },
};

export const removeAccountCommand: Command = {
  name: "rm",
  summary: "delete an account and its cookies",
  usage: "<ACCOUNT_ID>",
  options: {},
  args: { names: ["ACCOUNT_ID"] },
  async run({ args, client, out }) {
    const { data } = await client().request<Account>("DELETE", `/api/v1/accounts/${encodeURIComponent(args[0]!)}`);
    if (out.json) out.printJson(data);
    else out.line(`${data.account_id} deleted`);
    return EXIT.ok;
  },
};

const LOGIN_POLL_MS = 1000;
/** How each ending exits: 0 only when signed in; an expired code like `tasks watch --timeout`. */
const LOGIN_EXIT = { done: EXIT.ok, expired: EXIT.timeout, refused: EXIT.failed, failed: EXIT.failed } as const;
const STATE_NOTES: Record<LoginSession["state"], string> = {
  waiting: "waiting: scan the QR code with the app",
  scanned: "scanned: confirm the login on the phone",
  done: "done: signed in",
  expired: "expired: nobody confirmed in time; run the command again for a new code",
  refused: "refused: the login was declined on the phone",
  failed: "failed",
};

export const loginAccountCommand: Command = {
  name: "login",
  summary: "sign in by QR code: prints the code, waits for the phone, prints the account id",
  usage: "--platform P [--account ACCOUNT_ID]",
  options: {
    platform: { type: "string", value: "P", description: orList(ACCOUNT_PLATFORMS) },
    account: {
      type: "string",
      value: "ACCOUNT_ID",
      description: "an expired account of the platform to sign in again (it keeps its id and becomes active)",
    },
  },
  details:
    "The crawler opens the platform's login page and captures its QR code; scan it with the platform's app and confirm there. " +
    "Exit codes: 0 signed in (the account id on stdout), 5 the code expired, 1 declined on the phone or failed, 130 Ctrl+C (the session expires by itself).",
  async run({ values, client, out }) {
    const platform = stringValue(values, "platform");
    if (platform === undefined) throw new UsageError("--platform: is required");
    const accountId = stringValue(values, "account");
    const api = client();
    let session = await api.startAccountLogin({
      platform,
      ...(accountId === undefined ? {} : { account_id: accountId }),
    });
    out.note(`login session ${session.session_id} (expires ${session.expires_at})`);
    const interrupted = new AbortController();
    const onSigint = () => interrupted.abort();
    process.once("SIGINT", onSigint);
    let shownState: string | undefined;
    let qrShown = false;
    try {
      for (;;) {
        if (!qrShown && session.qr_image !== undefined) {
          qrShown = true;
          out.note(await terminalQr(session));
        }
        if (session.state !== shownState && (session.state !== "waiting" || qrShown)) {
          shownState = session.state;
          out.note(session.reason ? `${STATE_NOTES[session.state]}: ${session.reason}` : STATE_NOTES[session.state]);
        }
        if (session.state !== "waiting" && session.state !== "scanned") {
          if (session.state === "done") {
            if (out.json) out.printJson(session);
            else out.line(session.account_id ?? "");
          }
          return LOGIN_EXIT[session.state];
        }
        await new Promise((resolve) => setTimeout(resolve, LOGIN_POLL_MS));
        if (interrupted.signal.aborted) {
          out.note(`stopped waiting; session ${session.session_id} expires at ${session.expires_at}`);
          return EXIT.interrupted;
        }
        session = await api.getAccountLogin(session.session_id, { signal: interrupted.signal });
      }
    } finally {
      process.off("SIGINT", onSigint);
    }
  },
};

/** The QR code drawn with text blocks (qrcode's utf8 renderer) from its decoded text; a hint when it did not decode. */
async function terminalQr(session: LoginSession): Promise<string> {
  if (session.qr_text === undefined)
    return "the QR code did not decode to text: open it in the dashboard (Accounts → Sign in by QR code)";
  const { default: QRCode } = await import("qrcode");
  return QRCode.toString(session.qr_text, { type: "utf8" });
}
