/**
 * download_media's parts over real HTTP: the S3 store with the real @aws-sdk/client-s3
 * against s3rver (presigned links fetched for real), the one-machine store and its gateway
 * links (good, tampered, expired), and the downloader (safeFetch's egress policy, the
 * upstream proxy, caps, content types checked against the bytes).
 */
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { TaskMediaDownloader } from "../../core/media/download.js";
import { FileMediaStore } from "../../core/media/fileStore.js";
import { S3MediaStore } from "../../core/media/s3Store.js";
import { mediaFileKey } from "../../core/media/store.js";
import { startGateway, type RunningGateway } from "../../local/gateway.js";
import { mediaRoute } from "../../local/mediaRoute.js";
import { MEDIA_BYTES, sha256Hex } from "../support/mediaBytes.js";
import { startTestS3, type TestS3 } from "../support/s3.js";
import { startUpstreamProxy, type UpstreamProxyStandIn } from "../support/upstreamProxy.js";

const SECRET = "media-link-test-secret-0123456789";

/** A CDN stand-in: the content types xhs's and douyin's CDNs send (see tests/fixtures/xhs/server.ts). */
let cdn: Server;
let cdnUrl: string;
beforeAll(async () => {
  cdn = createServer((req, res) => {
    const send = (type: string, body: Buffer) => res.writeHead(200, { "content-type": type }).end(body);
    if (req.url === "/a.jpg") return send("image/jpeg", MEDIA_BYTES.jpg);
    if (req.url === "/b.webp") return send("image/webp", MEDIA_BYTES.webp);
    if (req.url === "/v.mp4") return send("video/mp4", MEDIA_BYTES.mp4);
    if (req.url === "/page.jpg") return send("image/jpeg", Buffer.from("<html>not an image</html>"));
    if (req.url === "/text") return send("text/html", MEDIA_BYTES.jpg);
    if (req.url === "/redirect")
      return res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data" }).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => cdn.listen(0, "127.0.0.1", resolve));
  cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => cdn.close(() => resolve())));

describe("S3 store (s3rver, real client)", () => {
  let s3: TestS3;
  let store: S3MediaStore;
  beforeAll(async () => {
    s3 = await startTestS3();
    store = new S3MediaStore(s3.client, await s3.bucket("media-files"));
  });
  afterAll(() => s3.close());

  test("puts, presigns a GET that downloads the bytes, counts and deletes a task's prefix only", async () => {
    const key = mediaFileKey("01TASKA", "xhs:content:abc", 0, "jpg");
    await store.put(key, MEDIA_BYTES.jpg, "image/jpeg");
    await store.put(mediaFileKey("01TASKA", "xhs:content:abc", 1, "mp4"), MEDIA_BYTES.mp4, "video/mp4");
    await store.put(mediaFileKey("01TASKAB", "xhs:content:abc", 0, "jpg"), MEDIA_BYTES.jpg, "image/jpeg");
    expect(await store.bytesUnder("01TASKA/")).toBe(MEDIA_BYTES.jpg.length + MEDIA_BYTES.mp4.length);

    const link = await store.link(key, 300);
    expect(link.url).toContain("X-Amz-Expires=300");
    expect(link.url).toContain("X-Amz-Signature=");
    expect(Date.parse(link.expires_at) - Date.now()).toBeGreaterThan(290_000);
    const answer = await fetch(link.url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("image/jpeg");
    expect(sha256Hex(Buffer.from(await answer.arrayBuffer()))).toBe(sha256Hex(MEDIA_BYTES.jpg));

    expect(await store.deleteUnder("01TASKA/")).toBe(2);
    expect(await store.bytesUnder("01TASKA/")).toBe(0);
    expect((await fetch(link.url)).status).toBe(404);
    // The other task, whose id starts the same, keeps its file.
    expect(await store.bytesUnder("01TASKAB/")).toBe(MEDIA_BYTES.jpg.length);
  });

  test("deletes a prefix in several DeleteObjects batches", async () => {
    // Batches of 2 here (S3's limit is 1000): s3rver fails past a few hundred writes in a row.
    const batched = new S3MediaStore(s3.client, "media-files", 2);
    for (let n = 0; n < 5; n++)
      await batched.put(mediaFileKey("01MANY", "dy:content:x", n, "jpg"), MEDIA_BYTES.jpg, "image/jpeg");
    expect(await batched.deleteUnder("01MANY/")).toBe(5);
    expect(await batched.bytesUnder("01MANY/")).toBe(0);
  });
});

describe("local store and the gateway's signed links", () => {
  let dir: string;
  let store: FileMediaStore;
  let gateway: RunningGateway;
  const key = mediaFileKey("01LOCAL", "bili:content:BV1", 0, "jpg");
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "media-"));
    let base = "";
    store = new FileMediaStore(dir, SECRET, () => base);
    gateway = await startGateway({
      handler: async () => ({ statusCode: 418, body: "the API" }),
      signedFiles: mediaRoute(
        () => store,
        () => SECRET,
      ),
      // As the stack's API key check: the link must not need a key.
      authorize: () => ({ statusCode: 401, headers: {}, body: Buffer.from("key wanted") }),
    });
    base = gateway.url;
    await store.put(key, MEDIA_BYTES.jpg, "image/jpeg");
  });
  afterAll(async () => {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a good link streams the file without an API key", async () => {
    const link = await store.link(key, 60);
    expect(link.url.startsWith(`${gateway.url}/media/`)).toBe(true);
    const answer = await fetch(link.url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await answer.arrayBuffer()).equals(MEDIA_BYTES.jpg)).toBe(true);
  });

  test("a tampered link (signature, key or expiry changed) is a 403 envelope", async () => {
    const { url } = await store.link(key, 60);
    const signature = /sig=([0-9a-f]+)/.exec(url)?.[1] ?? "";
    const flipped = signature.replace(/^./, (c) => (c === "0" ? "1" : "0"));
    for (const tampered of [
      url.replace(`sig=${signature}`, `sig=${flipped}`),
      url.replace("/0.jpg", "/1.jpg"),
      url.replace(/expires=(\d+)/, (_, n) => `expires=${Number(n) + 3600}`),
    ]) {
      const answer = await fetch(tampered);
      expect(answer.status).toBe(403);
      const body = (await answer.json()) as { code: number; message: string; data: unknown };
      expect(body).toMatchObject({ code: 403, data: null });
      expect(body.message).toMatch(/^sig: /);
    }
  });

  test("an expired link is a 403 that says so", async () => {
    const past = Math.floor(Date.now() / 1000) - 5;
    const { signedMediaPath } = await import("../../core/media/linkSignature.js");
    const answer = await fetch(`${gateway.url}${signedMediaPath(SECRET, key, past)}`);
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { message: string }).message).toMatch(/^expires: the link has expired/);
  });

  test("other paths still reach the API's key check", async () => {
    expect((await fetch(`${gateway.url}/api/v1/tasks`)).status).toBe(401);
  });

  test("deleting a task's prefix removes its files", async () => {
    const other = mediaFileKey("01LOCAL", "bili:content:BV2", 0, "jpg");
    await store.put(other, MEDIA_BYTES.jpg, "image/jpeg");
    const link = await store.link(other, 60);
    expect(await store.deleteUnder("01LOCAL/")).toBe(2);
    expect((await fetch(link.url)).status).toBe(404);
    expect(await store.taskIds()).toEqual([]);
  });
});

describe("downloader", () => {
  let dir: string;
  let store: FileMediaStore;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "media-dl-"));
    store = new FileMediaStore(dir, SECRET, () => "");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const signal = new AbortController().signal;
  const downloader = (taskId: string, options: Partial<ConstructorParameters<typeof TaskMediaDownloader>[0]> = {}) =>
    new TaskMediaDownloader({
      taskId,
      store,
      maxFileBytes: 1024 * 1024,
      maxTaskBytes: 10 * 1024 * 1024,
      policy: { allowPrivate: true },
      ...options,
    });

  test("stores images and video with their sniffed type, size and sha256, keyed per task and post", async () => {
    const got = await downloader("01DL").downloadPost(
      "xhs:content:n1",
      [
        { url: `${cdnUrl}/a.jpg`, kind: "image" },
        { url: `${cdnUrl}/b.webp`, kind: "image" },
        { url: `${cdnUrl}/v.mp4`, kind: "video" },
      ],
      signal,
    );
    expect(got.media_errors).toEqual([]);
    expect(got.media_files).toEqual([
      {
        key: "01DL/xhs:content:n1/0.jpg",
        content_type: "image/jpeg",
        bytes: MEDIA_BYTES.jpg.length,
        sha256: sha256Hex(MEDIA_BYTES.jpg),
        source_url: `${cdnUrl}/a.jpg`,
      },
      {
        key: "01DL/xhs:content:n1/1.webp",
        content_type: "image/webp",
        bytes: MEDIA_BYTES.webp.length,
        sha256: sha256Hex(MEDIA_BYTES.webp),
        source_url: `${cdnUrl}/b.webp`,
      },
      {
        key: "01DL/xhs:content:n1/2.mp4",
        content_type: "video/mp4",
        bytes: MEDIA_BYTES.mp4.length,
        sha256: sha256Hex(MEDIA_BYTES.mp4),
        source_url: `${cdnUrl}/v.mp4`,
      },
    ]);
    const stored = await store.open("01DL/xhs:content:n1/2.mp4");
    expect(stored?.bytes).toBe(MEDIA_BYTES.mp4.length);
    stored?.stream.destroy();
  });

  test("refuses a wrong content type, bytes that are not what the type says, and a 404, keeping the rest", async () => {
    const got = await downloader("01BAD").downloadPost(
      "xhs:content:n2",
      [
        { url: `${cdnUrl}/page.jpg`, kind: "image" },
        { url: `${cdnUrl}/text`, kind: "image" },
        { url: `${cdnUrl}/v.mp4`, kind: "image" },
        { url: `${cdnUrl}/gone.jpg`, kind: "image" },
        { url: `${cdnUrl}/a.jpg`, kind: "image" },
      ],
      signal,
    );
    expect(got.media_errors.map((error) => error.code)).toEqual([
      "MEDIA_BAD_TYPE",
      "MEDIA_BAD_TYPE",
      "MEDIA_BAD_TYPE",
      "MEDIA_HTTP_STATUS",
    ]);
    expect(got.media_errors[1]?.message).toMatch(/content-type "text\/html" is not image/);
    expect(got.media_files.map((file) => file.key)).toEqual(["01BAD/xhs:content:n2/4.jpg"]);
    expect(await store.bytesUnder("01BAD/")).toBe(MEDIA_BYTES.jpg.length);
  });

  test("refuses private addresses under the strict policy, redirects included, sending nothing there", async () => {
    const strict = downloader("01SSRF", { policy: { allowPrivate: false } });
    const got = await strict.downloadPost(
      "xhs:content:n3",
      [
        { url: `${cdnUrl}/a.jpg`, kind: "image" },
        { url: "http://169.254.169.254/latest/meta-data/x.jpg", kind: "image" },
        { url: "file:///etc/passwd", kind: "image" },
      ],
      signal,
    );
    expect(got.media_files).toEqual([]);
    expect(got.media_errors.map((error) => error.code)).toEqual(["MEDIA_BLOCKED", "MEDIA_BLOCKED", "MEDIA_BLOCKED"]);
    // The stand-in is allowed by its exact address; its redirect to the metadata address is not.
    const allowOne = downloader("01SSRF", { policy: { allowTargets: [cdnUrl.replace("http://", "")] } });
    const redirected = await allowOne.downloadPost(
      "xhs:content:n4",
      [{ url: `${cdnUrl}/redirect`, kind: "image" }],
      signal,
    );
    expect(redirected.media_errors).toEqual([
      expect.objectContaining({ code: "MEDIA_BLOCKED", message: expect.stringContaining("169.254.169.254") }),
    ]);
  });

  test("caps each file and the task (what earlier deliveries stored counts)", async () => {
    const small = downloader("01CAP", { maxFileBytes: 100 });
    const tooLarge = await small.downloadPost("dy:content:a", [{ url: `${cdnUrl}/a.jpg`, kind: "image" }], signal);
    expect(tooLarge.media_errors[0]?.code).toBe("MEDIA_FILE_TOO_LARGE");

    // Room for the JPEG and the MP4, not the WebP between them.
    const budget = MEDIA_BYTES.jpg.length + MEDIA_BYTES.mp4.length;
    const first = await downloader("01CAP2", { maxTaskBytes: budget }).downloadPost(
      "dy:content:b",
      [
        { url: `${cdnUrl}/a.jpg`, kind: "image" },
        { url: `${cdnUrl}/b.webp`, kind: "image" },
        { url: `${cdnUrl}/v.mp4`, kind: "video" },
      ],
      signal,
    );
    expect(first.media_files.map((file) => file.content_type)).toEqual(["image/jpeg", "video/mp4"]);
    expect(first.media_errors.map((error) => error.code)).toEqual(["MEDIA_TASK_CAP"]);
    // A new delivery of the same task starts from what is stored.
    const again = await downloader("01CAP2", { maxTaskBytes: budget }).downloadPost(
      "dy:content:c",
      [{ url: `${cdnUrl}/a.jpg`, kind: "image" }],
      signal,
    );
    expect(again.media_errors[0]?.code).toBe("MEDIA_TASK_CAP");
  });

  test("goes through the task's upstream proxy with its credentials", async () => {
    const upstream: UpstreamProxyStandIn = await startUpstreamProxy();
    try {
      const got = await downloader("01PROXY", { proxy: upstream.url }).downloadPost(
        "ks:content:p",
        [{ url: `${cdnUrl}/a.jpg`, kind: "image" }],
        signal,
      );
      expect(got.media_errors).toEqual([]);
      expect(got.media_files[0]?.sha256).toBe(sha256Hex(MEDIA_BYTES.jpg));
      expect(upstream.forwarded).toEqual([`${cdnUrl}/a.jpg`]);
      const refused = await downloader("01PROXY", { proxy: upstream.bareUrl }).downloadPost(
        "ks:content:q",
        [{ url: `${cdnUrl}/a.jpg`, kind: "image" }],
        signal,
      );
      expect(refused.media_errors[0]?.code).toBe("MEDIA_HTTP_STATUS");
      expect(refused.media_errors[0]?.message).toContain("407");
      // https goes through a CONNECT tunnel (here the far end speaks no TLS, so the fetch fails after it).
      const tunnelled = await downloader("01PROXY", { proxy: upstream.url }).downloadPost(
        "ks:content:r",
        [{ url: `${cdnUrl.replace("http://", "https://")}/a.jpg`, kind: "image" }],
        signal,
      );
      expect(tunnelled.media_errors[0]?.code).toBe("MEDIA_FETCH_FAILED");
      expect(upstream.forwarded).toContain(`CONNECT ${cdnUrl.replace("http://", "")}`);
    } finally {
      await upstream.close();
    }
  });

  test("without storage every file is recorded, nothing fetched", async () => {
    const got = await downloader("01NONE", { store: undefined }).downloadPost(
      "bili:content:x",
      [{ url: `${cdnUrl}/a.jpg`, kind: "image" }],
      signal,
    );
    expect(got).toEqual({
      media_files: [],
      media_errors: [{ source_url: `${cdnUrl}/a.jpg`, code: "MEDIA_STORE_UNAVAILABLE", message: expect.any(String) }],
    });
  });
});
