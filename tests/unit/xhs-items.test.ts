import { describe, expect, it } from "vitest";
import {
  commentRecord,
  creatorRecord,
  listedNoteFromState,
  noteRecord,
  noteRecordFromState,
  unref,
} from "../../core/platforms/xhs/items.js";
import { parseCreatorRef, parseNoteRef } from "../../core/platforms/xhs/ids.js";
import { apiQuery, initialStateExpression, profileUrl, searchPageUrl } from "../../core/platforms/xhs/site.js";

// Shapes as captured from www.xiaohongshu.com (see core/platforms/xhs/shapes.ts).
const FEED_CARD = {
  note_id: "66696f98000000000d00f289",
  type: "video",
  title: "",
  display_title: "客户资源",
  desc: "保证数据的准确性 #客户资源[话题]#",
  time: 1718185880000,
  last_update_time: 1718185881000,
  ip_location: "广东",
  user: { user_id: "611f57d7000000000100982a", nickname: "d", avatar: "https://sns-avatar-qc.xhscdn.com/avatar/1.jpg" },
  interact_info: { liked: false, liked_count: "44", collected_count: "18", comment_count: "160", share_count: "12" },
  image_list: [
    {
      url_default: "",
      url: "",
      info_list: [
        { image_scene: "WB_PRV", url: "http://p/prv" },
        { image_scene: "WB_DFT", url: "http://p/dft" },
      ],
    },
  ],
  tag_list: [
    { id: "1", name: "客户资源", type: "topic" },
    { id: "2", name: "广州", type: "location" },
  ],
  video: {
    consumer: { origin_video_key: "pre_post/abc" },
    media: { stream: { h264: [{ master_url: "http://v/1.mp4" }] } },
  },
};
const CONTEXT = {
  wwwBase: "https://www.xiaohongshu.com",
  xsecToken: "AB+/=",
  xsecSource: "pc_search",
  sourceKeyword: "客户",
};

describe("xhs note mapper", () => {
  it("maps a feed note_card to the issue's fields, identity kept apart", () => {
    const record = noteRecord(FEED_CARD, CONTEXT);
    expect(record).toEqual({
      item_type: "content",
      id: FEED_CARD.note_id,
      fields: {
        note_id: FEED_CARD.note_id,
        type: "video",
        title: "客户资源",
        desc: FEED_CARD.desc,
        video_url: "https://sns-video-bd.xhscdn.com/pre_post/abc",
        time: 1718185880000,
        last_update_time: 1718185881000,
        liked_count: "44",
        collected_count: "18",
        comment_count: "160",
        share_count: "12",
        image_list: ["http://p/dft"],
        tag_list: ["客户资源"],
        note_url: `https://www.xiaohongshu.com/explore/${FEED_CARD.note_id}?xsec_token=AB%2B%2F%3D&xsec_source=pc_search`,
        source_keyword: "客户",
        xsec_token: "AB+/=",
      },
      creator: {
        user_id: "611f57d7000000000100982a",
        nickname: "d",
        avatar: "https://sns-avatar-qc.xhscdn.com/avatar/1.jpg",
        ip_location: "广东",
      },
    });
  });

  it("maps the note page's camelCase state to the same fields, and stream URLs without an origin key", () => {
    const state = {
      noteId: FEED_CARD.note_id,
      type: "video",
      title: "客户资源",
      desc: FEED_CARD.desc,
      time: 1718185880000,
      lastUpdateTime: 1718185881000,
      ipLocation: "广东",
      user: {
        userId: "611f57d7000000000100982a",
        nickname: "d",
        avatar: "https://sns-avatar-qc.xhscdn.com/avatar/1.jpg",
      },
      interactInfo: { likedCount: "44", collectedCount: "18", commentCount: "160", shareCount: "12" },
      imageList: [{ urlDefault: "http://p/dft" }],
      tagList: FEED_CARD.tag_list,
      video: { media: { stream: { h265: [{ masterUrl: "http://v/265.mp4" }] } } },
    };
    const fromState = noteRecordFromState(state, CONTEXT);
    expect(fromState.fields).toEqual({ ...noteRecord(FEED_CARD, CONTEXT).fields, video_url: "http://v/265.mp4" });
    expect(fromState.creator).toEqual(noteRecord(FEED_CARD, CONTEXT).creator);
  });

  it("leaves what the site did not send null, and image notes without a video URL", () => {
    const record = noteRecord(
      { note_id: "n1", type: "normal" },
      { wwwBase: "https://www.xiaohongshu.com", xsecSource: "pc_feed" },
    );
    expect(record.fields).toMatchObject({
      video_url: null,
      desc: null,
      liked_count: null,
      image_list: [],
      tag_list: [],
      source_keyword: null,
      xsec_token: null,
      note_url: "https://www.xiaohongshu.com/explore/n1",
    });
    expect(record.creator).toBeUndefined();
  });

  it("unwraps Vue refs of __INITIAL_STATE__", () => {
    expect(unref({ __v_isRef: true, _value: { a: 1 }, dep: {} })).toEqual({ a: 1 });
    expect(unref({ a: 1 })).toEqual({ a: 1 });
  });
});

describe("xhs profile state cards", () => {
  it("turn into the partial note stored when the note cannot be read, by id or noteCard.noteId", () => {
    const card = {
      xsecToken: "T",
      noteCard: {
        noteId: "n2",
        type: "video",
        displayTitle: "标题",
        user: { userId: "u1", nickname: "小明", avatar: "http://a" },
        interactInfo: { likedCount: "3" },
      },
    };
    expect(listedNoteFromState(card)).toEqual({
      note_id: "n2",
      type: "video",
      display_title: "标题",
      user: { user_id: "u1", nickname: "小明", avatar: "http://a" },
      interact_info: { liked_count: "3" },
    });
    expect(listedNoteFromState({ ...card, id: "n1" }).note_id).toBe("n1");
    expect(
      noteRecord(listedNoteFromState(card), {
        wwwBase: "https://www.xiaohongshu.com",
        xsecToken: "T",
        xsecSource: "pc_user",
      }).fields,
    ).toMatchObject({ note_id: "n2", title: "标题", liked_count: "3" });
  });
});

describe("xhs comment and creator mappers", () => {
  const comment = {
    id: "c1",
    note_id: "n1",
    content: "怎么获取？",
    create_time: 1721178828000,
    ip_location: "上海",
    like_count: "17",
    sub_comment_count: "8",
    pictures: [{ url_default: "http://pic/1" }],
    user_info: { user_id: "u1", nickname: "是奶芙呀~", image: "http://avatar/u1" },
  };

  it("maps a top-level comment and a reply (parent = the comment replied to)", () => {
    expect(commentRecord(comment, "n1")).toEqual({
      item_type: "comment",
      id: "c1",
      fields: {
        comment_id: "c1",
        create_time: 1721178828000,
        note_id: "n1",
        content: "怎么获取？",
        sub_comment_count: "8",
        pictures: ["http://pic/1"],
        parent_comment_id: null,
        like_count: "17",
      },
      creator: { user_id: "u1", nickname: "是奶芙呀~", avatar: "http://avatar/u1", ip_location: "上海" },
    });
    const reply = commentRecord(
      { ...comment, id: "r2", sub_comment_count: undefined, target_comment: { id: "r1" } },
      "n1",
      "c1",
    );
    expect(reply).toMatchObject({ parentId: "c1", fields: { comment_id: "r2", parent_comment_id: "r1" } });
    expect(commentRecord({ ...comment, id: "r1" }, "n1", "c1").fields.parent_comment_id).toBe("c1");
  });

  it("maps a profile's userPageData to the creator record", () => {
    const page = {
      basicInfo: { nickname: "小红薯", images: "http://avatar/u1", gender: 1, ipLocation: "浙江", desc: "记录生活" },
      interactions: [
        { type: "follows", count: "10" },
        { type: "fans", count: "2万" },
        { type: "interaction", count: "3.1万" },
      ],
      tags: [{ tagType: "location", name: "杭州" }],
    };
    expect(creatorRecord("u1", page).fields.desc).toBeNull();
    const record = creatorRecord("u1", page, true);
    expect(record).toEqual({
      item_type: "creator",
      id: "u1",
      fields: { desc: "记录生活", gender: 1, follows: "10", fans: "2万", interaction: "3.1万", tag_list: ["杭州"] },
      creator: { user_id: "u1", nickname: "小红薯", avatar: "http://avatar/u1", ip_location: "浙江" },
    });
  });
});

describe("xhs ids and URLs", () => {
  it("reads ids and tokens from note and profile URLs", () => {
    const id = "66696f98000000000d00f289";
    expect(parseNoteRef(id.toUpperCase())).toEqual({ id });
    expect(parseNoteRef(`https://www.xiaohongshu.com/explore/${id}?xsec_token=AB%3D&xsec_source=pc_search`)).toEqual({
      id,
      xsecToken: "AB=",
      xsecSource: "pc_search",
    });
    expect(parseNoteRef(`https://www.xiaohongshu.com/discovery/item/${id}`)).toEqual({ id });
    expect(parseNoteRef("https://xhslink.com/a/abc")).toBeUndefined();
    expect(parseNoteRef("not an id")).toBeUndefined();
    expect(parseCreatorRef(`https://www.xiaohongshu.com/user/profile/${id}?xsec_token=T`)).toEqual({
      id,
      xsecToken: "T",
    });
    expect(parseCreatorRef(`https://www.xiaohongshu.com/explore/${id}`)).toBeUndefined();
  });

  it("writes page URLs and API queries as the site does (commas left as they are)", () => {
    expect(searchPageUrl("https://www.xiaohongshu.com", "咖啡 手冲")).toBe(
      "https://www.xiaohongshu.com/search_result?keyword=%E5%92%96%E5%95%A1+%E6%89%8B%E5%86%B2&source=web_explore_feed",
    );
    expect(profileUrl("https://www.xiaohongshu.com", "u1", "AB=", undefined)).toBe(
      "https://www.xiaohongshu.com/user/profile/u1?xsec_token=AB%3D&xsec_source=pc_note",
    );
    expect(profileUrl("https://www.xiaohongshu.com", "u1", undefined, undefined)).toBe(
      "https://www.xiaohongshu.com/user/profile/u1",
    );
    expect(apiQuery({ note_id: "n1", cursor: "", image_formats: "jpg,webp,avif", xsec_token: "AB+/=" })).toBe(
      "note_id=n1&cursor=&image_formats=jpg,webp,avif&xsec_token=AB%2B%2F%3D",
    );
  });

  it("reads page state through Vue refs (.value, else ._value)", () => {
    const read = (state: unknown, path: string[]) =>
      new Function("window", `return ${initialStateExpression(path)}`)({ __INITIAL_STATE__: state }) as unknown;
    const ref = (value: unknown) => ({ __v_isRef: true, _value: value });
    expect(
      read({ user: { userPageData: ref({ basicInfo: { nickname: "n" } }) } }, ["user", "userPageData", "basicInfo"]),
    ).toEqual({ nickname: "n" });
    expect(read({ user: ref({ notes: ref([[1]]) }) }, ["user", "notes"])).toEqual([[1]]);
    expect(read({ note: {} }, ["note", "noteDetailMap", "x"])).toBeUndefined();
  });
});
