import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The real small files the stand-ins serve (tests/fixtures/media/README.md says where they come from). */
const file = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/media/${name}`, import.meta.url)));

export const MEDIA_BYTES = {
  jpg: file("tiny.jpg"),
  webp: file("tiny.webp"),
  mp4: file("tiny.mp4"),
} as const;

export const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
