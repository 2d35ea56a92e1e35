/**
 * The CLI's entry: finds the command, parses its flags, runs it, and turns every error into
 * one line on stderr and a documented exit code (see EXIT in errors.ts).
 */
import { commandWords, GLOBAL_OPTIONS, parseCommandLine, stringValue } from "./args.js";
import type { CommandGroup } from "./command.js";
import {
  addAccountCommand,
  listAccountsCommand,
  loginAccountCommand,
  removeAccountCommand,
} from "./commands/accounts.js";
import { probeGroup } from "./commands/probe.js";
import { resultsCommand } from "./commands/results.js";
import { schedulesGroup } from "./commands/schedules.js";
import { scrapeCommand } from "./commands/scrape.js";
import {
  cancelCommand,
  createCommand,
  deleteCommand,
  getCommand,
  listCommand,
  retryCommand,
} from "./commands/tasks.js";
import { watchCommand } from "./commands/watch.js";
import { CrawlTasksClient } from "../sdk/typescript/src/index.js";
import { describeError, EXIT, exitCodeOf, UsageError, type ExitCode } from "./errors.js";
import { commandHelp, groupHelp, orList, PROGRAM, programHelp } from "./help.js";
import { Output, type OutputStreams } from "./output.js";

export const DEFAULT_API_URL = "http://127.0.0.1:8888";

export const GROUPS: readonly CommandGroup[] = [
  {
    name: "tasks",
    summary: "Tasks",
    commands: [
      createCommand,
      listCommand,
      getCommand,
      watchCommand,
      resultsCommand,
      cancelCommand,
      retryCommand,
      deleteCommand,
      scrapeCommand,
    ],
  },
  {
    name: "accounts",
    summary: "Accounts (media platforms)",
    commands: [addAccountCommand, listAccountsCommand, loginAccountCommand, removeAccountCommand],
  },
  schedulesGroup,
  probeGroup,
];

export interface CliEnvironment extends OutputStreams {
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
}

/** Runs one command line; resolves with the exit code (never throws). */
export async function runCli(argv: readonly string[], io: CliEnvironment): Promise<ExitCode> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    io.stderr.write(`error: ${describeError(error)}\n`);
    return exitCodeOf(error);
  }
}

async function dispatch(argv: readonly string[], io: CliEnvironment): Promise<ExitCode> {
  let words: string[];
  let help: boolean;
  try {
    ({ words, help } = commandWords(argv));
  } catch (error) {
    throw new UsageError(describeError(error));
  }
  const [groupName, commandName] = words;
  if (groupName === undefined) {
    if (help) {
      io.stdout.write(programHelp(GROUPS));
      return EXIT.ok;
    }
    io.stderr.write(programHelp(GROUPS));
    return EXIT.usage;
  }
  const group = GROUPS.find((candidate) => candidate.name === groupName);
  if (group === undefined) {
    const names = GROUPS.map((g) => g.name);
    throw new UsageError(`unknown command "${groupName}" (expected ${orList(names)}; see ${PROGRAM} --help)`);
  }
  if (commandName === undefined) {
    if (help) {
      io.stdout.write(groupHelp(group));
      return EXIT.ok;
    }
    throw new UsageError(
      `${group.name}: which command? ${group.commands.map((c) => c.name).join(", ")} (see ${PROGRAM} ${group.name} --help)`,
    );
  }
  const command = group.commands.find((candidate) => candidate.name === commandName);
  if (command === undefined) {
    throw new UsageError(
      `unknown command "${group.name} ${commandName}" (expected one of ${group.commands.map((c) => c.name).join(", ")})`,
    );
  }
  if (help) {
    io.stdout.write(commandHelp(group, command));
    return EXIT.ok;
  }

  const { values, positionals } = parseCommandLine(argv, { ...GLOBAL_OPTIONS, ...command.options });
  // The command words are the first two positionals (commandWords found them the same way).
  const args = positionals.slice(2);
  const expected = command.args?.names ?? [];
  if (args.length < expected.length)
    throw new UsageError(`${group.name} ${command.name}: missing ${expected.slice(args.length).join(" ")}`);
  if (args.length > expected.length)
    throw new UsageError(`${group.name} ${command.name}: unexpected argument ${JSON.stringify(args[expected.length])}`);

  let client: CrawlTasksClient | undefined;
  return command.run({
    values,
    args,
    out: new Output(io, values.json === true),
    stdin: io.stdin,
    programName: PROGRAM,
    client: () =>
      (client ??= cliClient(
        stringValue(values, "api-url") ?? nonEmpty(io.env.API_URL) ?? DEFAULT_API_URL,
        stringValue(values, "api-key") ?? nonEmpty(io.env.API_KEY),
      )),
  });
}

/** The SDK's client; a malformed URL is a usage error naming the flag. */
function cliClient(baseUrl: string, apiKey: string | undefined): CrawlTasksClient {
  try {
    return new CrawlTasksClient({ baseUrl, apiKey });
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message.replace(/^baseUrl:/, "--api-url:"));
    throw error;
  }
}

const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === "" ? undefined : value.trim());
