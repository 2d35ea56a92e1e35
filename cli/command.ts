import type { OptionSpecs, OptionValues } from "./args.js";
import type { CrawlTasksClient } from "../sdk/typescript/src/index.js";
import type { ExitCode } from "./errors.js";
import type { Output } from "./output.js";

/** What a command gets to run with. */
export interface CommandContext {
  values: OptionValues;
  /** Positional arguments after the command words (`tasks get <ID>` → [ID]). */
  args: string[];
  /** Built on first use, so a usage error never waits for (or depends on) the API settings. */
  client(): CrawlTasksClient;
  out: Output;
  stdin: NodeJS.ReadableStream;
  /** How the program was started, for hints: "crawl-tasks". */
  programName: string;
}

export interface Command {
  /** e.g. "create" */
  name: string;
  /** One line for the group's help. */
  summary: string;
  /** The arguments after the command words, e.g. "<ID> [--format csv|jsonl|json]". */
  usage: string;
  options: OptionSpecs;
  /** How many positional arguments it takes, and what they are called in messages. */
  args?: { names: string[] };
  /** Extra help text (examples, exit codes), printed after the options. */
  details?: string;
  run(context: CommandContext): Promise<ExitCode>;
}

export interface CommandGroup {
  name: string;
  summary: string;
  commands: Command[];
}
