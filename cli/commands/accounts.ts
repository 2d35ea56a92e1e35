/** `accounts add|list|rm`: stored logins for the media platforms. Cookies go up, never come back. */
import { ACCOUNT_PLATFORMS, type Account } from "../../core/accounts/model.js";
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
