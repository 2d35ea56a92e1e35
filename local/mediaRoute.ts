/**
 * The one-machine stack's media download links, served by its gateway before the API key
 * check (the link's signature is the permission, as a presigned S3 URL is on AWS):
 * `GET /media/<key>?expires=…&sig=…`. A bad or expired signature is a 403 in the API's
 * envelope; a good one streams the file with its content type.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { checkSignedMediaPath, MEDIA_ROUTE_PREFIX } from "../core/media/linkSignature.js";
import type { FileMediaStore } from "../core/media/fileStore.js";
import { contentTypeOfExt } from "../core/media/sniff.js";

/** Answers the request when it is a media link (true), or leaves it to the API (false). */
export function mediaRoute(store: () => FileMediaStore | undefined, secret: () => string | undefined) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://gateway");
    if (!url.pathname.startsWith(MEDIA_ROUTE_PREFIX)) return false;
    const answer = (status: number, message: string) => {
      const body = JSON.stringify({ code: status, message, data: null });
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(body),
      });
      res.end(req.method === "HEAD" ? undefined : body);
      return true;
    };
    if (req.method !== "GET" && req.method !== "HEAD") return answer(405, "method: media links take GET or HEAD");
    const key = secret();
    const files = store();
    if (key === undefined || files === undefined) return answer(404, "this stack keeps no media files");
    const check = checkSignedMediaPath(key, url.pathname, url.searchParams);
    if (!check.ok) return answer(403, check.message);
    const file = await files.open(check.key);
    if (file === undefined) return answer(404, "the file is gone (its task was deleted or expired)");
    res.writeHead(200, {
      "content-type": contentTypeOfExt(check.key.slice(check.key.lastIndexOf(".") + 1)),
      "content-length": file.bytes,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    });
    if (req.method === "HEAD") {
      file.stream.destroy();
      res.end();
      return true;
    }
    file.stream.on("error", () => res.destroy());
    file.stream.pipe(res);
    return true;
  };
}
