/**
 * What a downloaded file is by its first bytes (its magic number), so a server that labels
 * an HTML error page `image/jpeg` cannot get it stored as an image. Only the formats the
 * media platforms serve are known: JPEG, PNG, GIF, WebP, AVIF/HEIC, BMP (images); MP4/MOV
 * (ISO BMFF), WebM/Matroska, FLV, MPEG-TS (video). Anything else is not stored.
 */

export interface SniffedType {
  /** `image` or `video`: what the bytes are. */
  kind: "image" | "video";
  /** The content type stored with the file. */
  contentType: string;
  /** The file name extension its key gets. */
  ext: string;
}

const ascii = (bytes: Uint8Array, at: number, text: string) =>
  bytes.length >= at + text.length && [...text].every((char, i) => bytes[at + i] === char.charCodeAt(0));

const startsWith = (bytes: Uint8Array, magic: readonly number[]) =>
  bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte);

/** The type the bytes are, or undefined when they are none of the known image and video formats. */
export function sniffMedia(bytes: Uint8Array): SniffedType | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: "image", contentType: "image/jpeg", ext: "jpg" };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: "image", contentType: "image/png", ext: "png" };
  if (ascii(bytes, 0, "GIF87a") || ascii(bytes, 0, "GIF89a"))
    return { kind: "image", contentType: "image/gif", ext: "gif" };
  if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WEBP"))
    return { kind: "image", contentType: "image/webp", ext: "webp" };
  if (ascii(bytes, 0, "BM") && bytes.length > 14) return { kind: "image", contentType: "image/bmp", ext: "bmp" };
  if (ascii(bytes, 4, "ftyp")) {
    // ISO base media: the major brand says image (AVIF, HEIC) or video (MP4, MOV, M4V).
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    if (brand === "avif" || brand === "avis") return { kind: "image", contentType: "image/avif", ext: "avif" };
    if (["heic", "heix", "mif1", "msf1"].includes(brand))
      return { kind: "image", contentType: "image/heic", ext: "heic" };
    if (brand === "qt  ") return { kind: "video", contentType: "video/quicktime", ext: "mov" };
    return { kind: "video", contentType: "video/mp4", ext: "mp4" };
  }
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return { kind: "video", contentType: "video/webm", ext: "webm" };
  if (ascii(bytes, 0, "FLV")) return { kind: "video", contentType: "video/x-flv", ext: "flv" };
  if (bytes[0] === 0x47 && bytes.length >= 189 && bytes[188] === 0x47)
    return { kind: "video", contentType: "video/mp2t", ext: "ts" };
  return undefined;
}

/** `image/*` or `video/*` (parameters dropped), or undefined for any other declared type. */
export function declaredMediaKind(contentType: string | undefined): "image" | "video" | undefined {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type.startsWith("image/")) return "image";
  if (type.startsWith("video/")) return "video";
  return undefined;
}

const TYPES_BY_EXT: Record<string, string> = {
  jpg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  bmp: "image/bmp",
  avif: "image/avif",
  heic: "image/heic",
  mp4: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
  flv: "video/x-flv",
  ts: "video/mp2t",
};

/** The content type of a stored file by the extension {@link sniffMedia} gave it. */
export function contentTypeOfExt(ext: string): string {
  return TYPES_BY_EXT[ext] ?? "application/octet-stream";
}
