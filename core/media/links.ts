import type { MediaStore } from "./store.js";

type Row = Record<string, unknown>;

/** The CSV columns of a task with download_media (core/platforms/media/exportColumns.ts). */
export const MEDIA_CSV_COLUMNS = ["media_urls", "media_sha256", "media_errors"] as const;

/**
 * Results as a reader gets them: each `media_files` entry with a fresh time-limited
 * `url` and its `url_expires_at` (presigned S3 GET on AWS, the gateway's signed link on one
 * machine). Nothing is written back: a stored link would only expire. For CSV the links
 * and digests are also put, space-separated in file order, in `media_urls` and
 * `media_sha256` (one cell each, so a post stays one row; `media_errors` is JSON).
 */
export async function withMediaLinks<R extends Row>(
  rows: readonly R[],
  store: MediaStore | undefined,
  linkTtlSecs: number,
  options: { csv?: boolean } = {},
): Promise<R[]> {
  return Promise.all(
    rows.map(async (row) => {
      const files = row.media_files;
      if (!Array.isArray(files)) return row;
      const linked = await Promise.all(
        files.map(async (file: Row) => {
          if (store === undefined || typeof file.key !== "string") return file;
          const link = await store.link(file.key, linkTtlSecs);
          return { ...file, url: link.url, url_expires_at: link.expires_at };
        }),
      );
      const out: Row = { ...row, media_files: linked };
      if (options.csv) {
        out.media_urls = linked.map((file) => file.url ?? "").join(" ");
        out.media_sha256 = linked.map((file) => file.sha256 ?? "").join(" ");
      }
      return out as R;
    }),
  );
}
