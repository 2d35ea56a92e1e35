/**
 * The command line, on node:util parseArgs: option specs that also feed --help, value
 * parsers whose messages name the flag, and one-line usage errors.
 */
import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";

export interface OptionSpec {
  type: "string" | "boolean";
  multiple?: boolean;
  short?: string;
  /** Placeholder shown in --help, e.g. "N" or "URL". */
  value?: string;
  description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** Flags every command takes. */
export const GLOBAL_OPTIONS = {
  "api-url": { type: "string", value: "URL", description: "API base URL (env API_URL; default http://127.0.0.1:8888)" },
  "api-key": {
    type: "string",
    value: "KEY",
    description: "API key, sent as Authorization: Bearer (env API_KEY; prefer the env var: flags show in ps)",
  },
  json: { type: "boolean", description: "print JSON instead of human-readable output" },
  help: { type: "boolean", short: "h", description: "show help" },
} as const satisfies OptionSpecs;

export interface ParsedCommandLine {
  values: OptionValues;
  positionals: string[];
}

/**
 * Parses `argv` strictly against `specs` (global flags included): an unknown flag or a
 * missing value is a {@link UsageError} naming it.
 */
export function parseCommandLine(argv: readonly string[], specs: OptionSpecs): ParsedCommandLine {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short ? { short: spec.short } : {}) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    return { values: values as OptionValues, positionals };
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
}

/**
 * The group and command words (`tasks create`) before the command's own flags are known:
 * a lenient pass that only understands the global flags.
 */
export function commandWords(argv: readonly string[]): { words: string[]; help: boolean } {
  const options = Object.fromEntries(
    Object.entries(GLOBAL_OPTIONS).map(([name, spec]) => [
      name,
      { type: spec.type, ...("short" in spec ? { short: spec.short } : {}) },
    ]),
  );
  const { values, positionals } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true });
  return { words: positionals.slice(0, 2), help: values.help === true };
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown) return `unknown option ${unknown[1]}`;
  const missing = /Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `${missing[1]}: needs a value`;
  const ambiguous = /Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous)
    return `${ambiguous[1]}: needs a value (to pass one that starts with "-", write ${ambiguous[1]}=<value>)`;
  const flagWithValue = /Option '(?:-\w, )?(--[\w-]+)' does not take an argument/.exec(message);
  if (flagWithValue) return `${flagWithValue[1]}: takes no value`;
  return message.split("\n")[0] ?? "invalid command line";
}

export function stringValue(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  if (Array.isArray(value)) return value.at(-1) as string | undefined;
  return typeof value === "string" ? value : undefined;
}

export function stringList(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

/** A whole number, as typed; range checks are the API's (so its message is the one users see). */
export function integerOption(values: OptionValues, name: string): number | undefined {
  const text = stringValue(values, name);
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim()))
    throw new UsageError(`--${name}: must be a whole number (got ${JSON.stringify(text)})`);
  return Number(text);
}

/** "90", "90s", "5m", "2h" → seconds. */
export function durationOption(values: OptionValues, name: string): number | undefined {
  const text = stringValue(values, name);
  if (text === undefined) return undefined;
  const match = /^(\d+)(s|m|h)?$/.exec(text.trim());
  if (!match || Number(match[1]) === 0)
    throw new UsageError(`--${name}: must be a duration like 90, 90s, 5m or 2h (got ${JSON.stringify(text)})`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? "s") as "s" | "m" | "h"];
}

/** `key=value` → [key, value]; the key is everything before the first "=". */
export function splitKeyValue(flagName: string, text: string): [string, string] {
  const at = text.indexOf("=");
  if (at <= 0) throw new UsageError(`--${flagName}: must be key=value (got ${JSON.stringify(text)})`);
  return [text.slice(0, at), text.slice(at + 1)];
}

/** `--param` values are JSON when they parse as JSON (numbers, true, arrays, objects), text otherwise. */
export function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `--name <value>` with one of `choices`, checked before anything is sent. */
export function choiceOption<T extends string>(
  values: OptionValues,
  name: string,
  choices: readonly T[],
): T | undefined {
  const text = stringValue(values, name);
  if (text === undefined) return undefined;
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`--${name}: must be one of ${choices.join(", ")} (got ${JSON.stringify(text)})`);
  }
  return text as T;
}
