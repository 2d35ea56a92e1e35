#!/usr/bin/env node
// Runs the TypeScript CLI straight from a clone (no build step): tsx compiles on import.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("./main.ts");

// `crawl-tasks … | head` closes the pipe early; that ends the output, it is not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
