/**
 * The media storage part of the builder (./dependencies.ts): an S3 bucket when
 * MEDIA_BUCKET is set (AWS), else the one-machine stack's folder (MEDIA_DIR, links signed
 * with MEDIA_LINK_SECRET and served by its gateway), else none (download_media records
 * every file as MEDIA_STORE_UNAVAILABLE).
 */
import { S3Client } from "@aws-sdk/client-s3";
import { type Env, loadMediaConfig, readVariable } from "../config.js";
import { FileMediaStore } from "../media/fileStore.js";
import { S3MediaStore } from "../media/s3Store.js";
import type { MediaStore } from "../media/store.js";
import type { BaseDependencies } from "./dependencies.js";

export function mediaStoreOf(env: Env = process.env): MediaStore | undefined {
  const { bucket } = loadMediaConfig(env);
  if (bucket !== "") return new S3MediaStore(new S3Client({}), bucket);
  const dir = readVariable("mediaDir", env);
  const secret = readVariable("mediaLinkSecret", env);
  if (dir && secret) return new FileMediaStore(dir, secret, () => readVariable("mediaLinkBaseUrl", env) ?? "");
  return undefined;
}

export const mediaParts = {
  mediaStore: ({ env }: BaseDependencies): MediaStore | undefined => mediaStoreOf(env ?? process.env),
  mediaConfig: ({ env }: BaseDependencies) => loadMediaConfig(env ?? process.env),
};
