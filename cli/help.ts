/** --help texts, generated from the command specs so they cannot drift from the parser. */
import { GLOBAL_OPTIONS, type OptionSpecs } from "./args.js";
import type { Command, CommandGroup } from "./command.js";

export const PROGRAM = "crawl-tasks";

export const EXIT_CODES_HELP = [
  "Exit codes:",
  "  0    success (watch, scrape: the task completed)",
  "  1    watch, scrape: the task failed; or an unexpected error",
  "  2    usage error: unknown command or flag, bad value (nothing was sent)",
  "  3    the API refused the request (4xx/5xx) or could not be reached",
  "  4    watch, scrape: the task was cancelled",
  "  5    watch --timeout, scrape: still running when the time was up",
  "  130  Ctrl+C",
].join("\n");

const ENVIRONMENT_HELP = [
  "Environment:",
  "  API_URL   the API base URL (--api-url wins); default http://127.0.0.1:8888",
  "  API_KEY   the API key (--api-key wins)",
].join("\n");

/** "a, b or c": how help and usage errors list the allowed values. */
export function orList(values: readonly string[]): string {
  return values.length < 2 ? values.join("") : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
}

function optionLines(options: OptionSpecs): string {
  const rows = Object.entries(options).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : "";
    const value = spec.type === "string" ? ` ${spec.value ?? "VALUE"}` : "";
    return [`  ${short}--${name}${value}`, spec.description] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, description]) => `${left.padEnd(width)}${description}`).join("\n");
}

export function programHelp(groups: readonly CommandGroup[]): string {
  const width =
    Math.max(...groups.flatMap((group) => group.commands.map((command) => `${group.name} ${command.name}`.length))) + 3;
  const sections = groups.map(
    (group) =>
      `${group.summary}:\n${group.commands.map((command) => `  ${`${group.name} ${command.name}`.padEnd(width)}${command.summary}`).join("\n")}`,
  );
  return [
    `${PROGRAM}: create, follow and export crawl tasks through the API`,
    "",
    `Usage: ${PROGRAM} <group> <command> [options]`,
    "",
    ...sections.flatMap((section) => [section, ""]),
    "Global options:",
    optionLines(GLOBAL_OPTIONS),
    "",
    ENVIRONMENT_HELP,
    "",
    EXIT_CODES_HELP,
    "",
    `Run \`${PROGRAM} <group> <command> --help\` for a command's options. Errors are one line on stderr.`,
    "",
  ].join("\n");
}

export function groupHelp(group: CommandGroup): string {
  const width = Math.max(...group.commands.map((command) => command.name.length)) + 3;
  return [
    `Usage: ${PROGRAM} ${group.name} <command> [options]`,
    "",
    "Commands:",
    ...group.commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    "",
    `Run \`${PROGRAM} ${group.name} <command> --help\` for a command's options.`,
    "",
  ].join("\n");
}

export function commandHelp(group: CommandGroup, command: Command): string {
  const own = Object.keys(command.options).length > 0 ? ["Options:", optionLines(command.options), ""] : [];
  return [
    `Usage: ${PROGRAM} ${group.name} ${command.name} ${command.usage}`,
    "",
    `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
    "",
    ...own,
    "Global options:",
    optionLines(GLOBAL_OPTIONS),
    "",
    ...(command.details ? [command.details, ""] : []),
  ].join("\n");
}
