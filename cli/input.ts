import { readFile } from "node:fs/promises";
import { UsageError } from "./errors.js";

/** Reads a file named by a flag, or stdin for "-"; a missing file is a usage error naming the flag. */
export async function readSource(flagName: string, source: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (source === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString("utf8");
  }
  try {
    return await readFile(source, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new UsageError(`--${flagName}: cannot read ${source} (${code})`);
  }
}
