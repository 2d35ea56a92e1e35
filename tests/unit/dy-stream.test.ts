import { describe, expect, it } from "vitest";
import { dyStreamDocs, dyStreamPage } from "../../core/platforms/dy/shapes.js";

/** Frames as search_stream.go describes them: a bare hex size line, then the document. */
const frame = (doc: unknown) => {
  const json = JSON.stringify(doc);
  return `${Buffer.byteLength(json, "utf8").toString(16)}\r\n${json}\r\n`;
};

describe("dy search stream", () => {
  it("reads the JSON documents between bare hex frame-size lines", () => {
    const text =
      frame({ status_code: 0, data: [{ aweme_info: { aweme_id: "1", desc: '含{括号}与"引号"' } }] }) +
      frame({ status_code: 0, data: [], has_more: 1, cursor: 10 }) +
      "0\r\n\r\n";
    expect(dyStreamDocs(text)).toEqual([
      { status_code: 0, data: [{ aweme_info: { aweme_id: "1", desc: '含{括号}与"引号"' } }] },
      { status_code: 0, data: [], has_more: 1, cursor: 10 },
    ]);
  });

  it("joins a document a frame cut in two, and reads documents run together on one line", () => {
    const json = JSON.stringify({ status_code: 0, data: [{ aweme_info: { aweme_id: "2" } }] });
    const cut = `${json.slice(0, 20)}\r\n1f\r\n${json.slice(20)}\r\n`;
    expect(dyStreamDocs(cut)).toEqual([JSON.parse(json)]);
    expect(dyStreamDocs('{"a":1}{"b":2}\n')).toEqual([{ a: 1 }, { b: 2 }]);
    expect(dyStreamDocs("")).toEqual([]);
    expect(dyStreamDocs("blocked")).toEqual([]);
  });

  it("merges the documents into one page: every card, the last cursor and extra, the first refusal", () => {
    const page = dyStreamPage([
      { status_code: 0, data: [{ type: 1 }] },
      { status_code: 0, data: [{ type: 2 }] },
      { status_code: 0, data: [], has_more: 1, cursor: 10, extra: { logid: "L1" } },
    ]);
    expect(page).toEqual({
      status_code: 0,
      data: [{ type: 1 }, { type: 2 }],
      has_more: 1,
      cursor: 10,
      extra: { logid: "L1" },
    });
    expect(
      dyStreamPage([
        { status_code: 0, data: [] },
        { status_code: 8, status_msg: "用户未登录" },
      ]),
    ).toMatchObject({ status_code: 8, status_msg: "用户未登录" });
    // Cards under another name leave `data` out, so the page fails its shape instead of reading as empty.
    expect(dyStreamPage([{ status_code: 0, items: [{ type: 1 }], has_more: 0 }])).not.toHaveProperty("data");
    expect(dyStreamPage([])).toBeUndefined();
  });
});
