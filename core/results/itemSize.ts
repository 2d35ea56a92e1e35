/**
 * DynamoDB refuses items over 400 KB. Long page text is the usual culprit, so the
 * longest string fields are cut until the item fits, and the item is marked `truncated`
 * (and, when it has a `truncated_fields` list, the cut field is added to it).
 */
export const MAX_ITEM_BYTES = 350 * 1024;

export function itemBytes(item: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(item), "utf8");
}

export function fitItemSize<T extends Record<string, unknown>>(item: T, maxBytes = MAX_ITEM_BYTES): T {
  let size = itemBytes(item);
  if (size <= maxBytes) return item;
  const fitted: Record<string, unknown> = { ...item, truncated: true };
  // Cut the longest string field to what the rest of the item leaves room for; repeat
  // in case JSON escaping or a second long field still keeps it over.
  for (let round = 0; round < 20 && size > maxBytes; round++) {
    const longest = Object.entries(fitted)
      .filter((entry): entry is [string, string] => typeof entry[1] === "string")
      .sort((a, b) => b[1].length - a[1].length)[0];
    if (longest === undefined || longest[1].length === 0) break;
    const [key, value] = longest;
    const fieldBytes = Buffer.byteLength(JSON.stringify(value), "utf8");
    const room = maxBytes - (size - fieldBytes) - 64;
    fitted[key] = room <= 0 ? "" : cutToBytes(value, Math.min(room, Buffer.byteLength(value, "utf8") - 1));
    // Items that list their cut fields (web pages) name this one too.
    if (Array.isArray(fitted.truncated_fields) && !fitted.truncated_fields.includes(key))
      fitted.truncated_fields = [...(fitted.truncated_fields as unknown[]), key];
    size = itemBytes(fitted);
  }
  return fitted as T;
}

/** The longest prefix of `value` whose UTF-8 form fits in `maxBytes`, never splitting a character. */
function cutToBytes(value: string, maxBytes: number): string {
  const cut = Buffer.from(value, "utf8").subarray(0, Math.max(0, maxBytes)).toString("utf8");
  return cut.endsWith("\uFFFD") ? cut.slice(0, -1) : cut;
}
