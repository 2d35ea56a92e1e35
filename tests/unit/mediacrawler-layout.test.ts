/**
 * The MediaCrawler (MC) layout against MC's own store code: for each platform, the columns of
 * its contents, comments and creators files in the order MC's CSV writer puts them (DictWriter
 * over the record's keys, tools/async_file_writer.py:46-54, so the order is the dict's or the
 * pydantic model's), and the value formats MC writes. The expected lists are written out from
 * MC's code (NanmiCoder/MediaCrawler at d6f7c5b; "9f4f8bf^:" marks the parent of MC's commit
 * 9f4f8bf, the last version that wrote creators files), cited next to each.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  MC_LAYOUTS,
  mcColumns,
  mcFileName,
  mcJsonArray,
  mcJsonLine,
  mcLayoutOf,
  toMcRow,
} from "../../core/results/mediacrawler/index.js";
import { DOCS_TABLE_END, DOCS_TABLE_START, mediaCrawlerDocsTables } from "../../core/results/mediacrawler/docsTable.js";
import type { BiliCommentFields, BiliContentFields } from "../../core/platforms/bili/itemSchema.js";
import type { DyCommentFields, DyContentFields } from "../../core/platforms/dy/itemSchema.js";
import type { KsCommentFields, KsContentFields } from "../../core/platforms/ks/itemSchema.js";
import type { TiebaCommentFields, TiebaContentFields } from "../../core/platforms/tieba/itemSchema.js";
import type { WbCommentFields, WbContentFields, WbCreatorFields } from "../../core/platforms/wb/itemSchema.js";
import type { XhsCommentFields, XhsContentFields, XhsCreatorFields } from "../../core/platforms/xhs/itemSchema.js";
import type {
  ZhihuCommentFields,
  ZhihuContentFields,
  ZhihuCreatorFields,
} from "../../core/platforms/zhihu/itemSchema.js";

const EXPECTED_COLUMNS = {
  xhs: {
    // store/xhs/__init__.py:109-129
    contents: [
      "note_id",
      "type",
      "title",
      "desc",
      "video_url",
      "time",
      "last_update_time",
      "creator_hash",
      "nickname",
      "liked_count",
      "collected_count",
      "comment_count",
      "share_count",
      "image_list",
      "tag_list",
      "last_modify_ts",
      "note_url",
      "source_keyword",
      "xsec_token",
    ],
    // store/xhs/__init__.py:164-176
    comments: [
      "comment_id",
      "create_time",
      "note_id",
      "content",
      "creator_hash",
      "nickname",
      "sub_comment_count",
      "pictures",
      "parent_comment_id",
      "last_modify_ts",
      "like_count",
    ],
    // 9f4f8bf^:store/xhs/__init__.py:215-228
    creators: [
      "user_id",
      "nickname",
      "gender",
      "avatar",
      "desc",
      "ip_location",
      "follows",
      "fans",
      "interaction",
      "tag_list",
      "last_modify_ts",
    ],
  },
  dy: {
    // store/douyin/__init__.py:162-181
    contents: [
      "aweme_id",
      "aweme_type",
      "title",
      "desc",
      "create_time",
      "creator_hash",
      "nickname",
      "liked_count",
      "collected_count",
      "comment_count",
      "share_count",
      "last_modify_ts",
      "aweme_url",
      "cover_url",
      "video_download_url",
      "music_download_url",
      "note_download_url",
      "source_keyword",
    ],
    // store/douyin/__init__.py:201-213
    comments: [
      "comment_id",
      "create_time",
      "aweme_id",
      "content",
      "creator_hash",
      "nickname",
      "sub_comment_count",
      "like_count",
      "last_modify_ts",
      "parent_comment_id",
      "pictures",
    ],
    // 9f4f8bf^:store/douyin/__init__.py:235-247
    creators: [
      "user_id",
      "nickname",
      "gender",
      "avatar",
      "desc",
      "ip_location",
      "follows",
      "fans",
      "interaction",
      "videos_count",
      "last_modify_ts",
    ],
  },
  ks: {
    // store/kuaishou/__init__.py:61-76
    contents: [
      "video_id",
      "video_type",
      "title",
      "desc",
      "create_time",
      "creator_hash",
      "nickname",
      "liked_count",
      "viewd_count",
      "last_modify_ts",
      "video_url",
      "video_cover_url",
      "video_play_url",
      "source_keyword",
    ],
    // store/kuaishou/__init__.py:95-107
    comments: [
      "comment_id",
      "create_time",
      "video_id",
      "content",
      "creator_hash",
      "nickname",
      "sub_comment_count",
      "last_modify_ts",
    ],
    // 9f4f8bf^:store/kuaishou/__init__.py:117-128
    creators: [
      "user_id",
      "nickname",
      "gender",
      "avatar",
      "desc",
      "ip_location",
      "follows",
      "fans",
      "interaction",
      "last_modify_ts",
    ],
  },
  bili: {
    // store/bilibili/__init__.py:60-80
    contents: [
      "video_id",
      "video_type",
      "title",
      "desc",
      "create_time",
      "creator_hash",
      "nickname",
      "liked_count",
      "disliked_count",
      "video_play_count",
      "video_favorite_count",
      "video_share_count",
      "video_coin_count",
      "video_danmaku",
      "video_comment",
      "last_modify_ts",
      "video_url",
      "video_cover_url",
      "source_keyword",
    ],
    // store/bilibili/__init__.py:103-114
    comments: [
      "comment_id",
      "parent_comment_id",
      "create_time",
      "video_id",
      "content",
      "creator_hash",
      "nickname",
      "sub_comment_count",
      "like_count",
      "last_modify_ts",
    ],
    // 9f4f8bf^:store/bilibili/__init__.py:88-99
    creators: [
      "user_id",
      "nickname",
      "sex",
      "sign",
      "avatar",
      "last_modify_ts",
      "total_fans",
      "total_liked",
      "user_rank",
      "is_official",
    ],
  },
  wb: {
    // store/weibo/__init__.py:89-105
    contents: [
      "note_id",
      "content",
      "create_time",
      "create_date_time",
      "liked_count",
      "comments_count",
      "shared_count",
      "last_modify_ts",
      "note_url",
      "creator_hash",
      "nickname",
      "source_keyword",
    ],
    // store/weibo/__init__.py:144-158
    comments: [
      "comment_id",
      "create_time",
      "create_date_time",
      "note_id",
      "content",
      "sub_comment_count",
      "comment_like_count",
      "last_modify_ts",
      "parent_comment_id",
      "creator_hash",
      "nickname",
    ],
    // 9f4f8bf^:store/weibo/__init__.py:190-201
    creators: [
      "user_id",
      "nickname",
      "gender",
      "avatar",
      "desc",
      "ip_location",
      "follows",
      "fans",
      "tag_list",
      "last_modify_ts",
    ],
  },
  tieba: {
    // model/m_baidu_tieba.py:27-42, then last_modify_ts (store/tieba/__init__.py:76-77)
    contents: [
      "note_id",
      "title",
      "desc",
      "note_url",
      "publish_time",
      "creator_hash",
      "user_nickname",
      "tieba_name",
      "tieba_link",
      "total_replay_num",
      "total_replay_page",
      "source_keyword",
      "last_modify_ts",
    ],
    // model/m_baidu_tieba.py:45-61, then last_modify_ts (store/tieba/__init__.py:109-110)
    comments: [
      "comment_id",
      "parent_comment_id",
      "content",
      "creator_hash",
      "user_nickname",
      "publish_time",
      "sub_comment_count",
      "note_id",
      "note_url",
      "tieba_id",
      "tieba_name",
      "tieba_link",
      "last_modify_ts",
    ],
    // 9f4f8bf^:model/m_baidu_tieba.py:68-80, then last_modify_ts (9f4f8bf^:store/tieba/__init__.py:124-125)
    creators: [
      "user_id",
      "user_name",
      "nickname",
      "gender",
      "avatar",
      "ip_location",
      "follows",
      "fans",
      "registration_duration",
      "last_modify_ts",
    ],
  },
  zhihu: {
    // model/m_zhihu.py:25-42, then last_modify_ts (store/zhihu/__init__.py:82-83)
    contents: [
      "content_id",
      "content_type",
      "content_text",
      "content_url",
      "question_id",
      "title",
      "desc",
      "created_time",
      "updated_time",
      "voteup_count",
      "comment_count",
      "source_keyword",
      "creator_hash",
      "user_nickname",
      "last_modify_ts",
    ],
    // model/m_zhihu.py:45-60, then last_modify_ts (store/zhihu/__init__.py:114-115)
    comments: [
      "comment_id",
      "parent_comment_id",
      "content",
      "publish_time",
      "sub_comment_count",
      "like_count",
      "dislike_count",
      "content_id",
      "content_type",
      "creator_hash",
      "user_nickname",
      "last_modify_ts",
    ],
    // 9f4f8bf^:model/m_zhihu.py:73-91, then last_modify_ts (9f4f8bf^:store/zhihu/__init__.py:131-133)
    creators: [
      "user_id",
      "user_link",
      "user_nickname",
      "user_avatar",
      "url_token",
      "gender",
      "ip_location",
      "follows",
      "fans",
      "anwser_count",
      "video_count",
      "question_count",
      "article_count",
      "column_count",
      "get_voteup_count",
      "last_modify_ts",
    ],
  },
} as const;

const CRAWLED_AT = "2026-12-06T03:00:00.000Z";
const CRAWLED_MS = Date.parse(CRAWLED_AT);
/** Our hashed identity (privacy default): a keyed hash and the first character. */
const HASHED = { creator_hash: "ab".repeat(32), creator_nickname: "小***" };
/** Our kept identity (keep_user_info). */
const KEPT = { user_id: "u-42", nickname: "小明同学", avatar: "https://img/a.jpg", ip_location: "广东" };
const MC_HASH_OF_U42 = createHash("sha256").update("u-42").digest("hex").slice(0, 16);

function stored(platform: string, itemType: string, fields: object, identity: object = HASHED) {
  return {
    task_id: "t",
    item_key: `${itemType}:x`,
    ok: true,
    item_type: itemType,
    platform,
    crawled_at: CRAWLED_AT,
    ...fields,
    ...identity,
  };
}

describe("MediaCrawler columns per platform, in MC's order", () => {
  it("covers the seven media platforms and nothing else", () => {
    expect(Object.keys(MC_LAYOUTS).sort()).toEqual(Object.keys(EXPECTED_COLUMNS).sort());
  });

  for (const [platform, files] of Object.entries(EXPECTED_COLUMNS)) {
    for (const [itemType, columns] of Object.entries(files)) {
      it(`${platform} ${itemType}`, () => {
        const layout = mcLayoutOf(platform);
        expect(mcColumns(layout, itemType as keyof typeof files)).toEqual(columns);
      });
    }
  }

  it("web has no MC layout: a 400 naming layout", () => {
    expect(() => mcLayoutOf("web")).toThrow(/^layout: "mediacrawler" is only for the media platforms/);
  });
});

describe("MediaCrawler value formats", () => {
  it("xhs: lists comma-joined, counts as the site sent them, last_modify_ts in ms, 0 / '' defaults", () => {
    const row = toMcRow(
      MC_LAYOUTS.xhs,
      "contents",
      stored("xhs", "content", {
        note_id: "66aa",
        type: "normal",
        title: "咖啡",
        desc: "手冲",
        video_url: null,
        time: 1_733_000_000_000,
        last_update_time: null,
        liked_count: "1.2万",
        collected_count: "3",
        comment_count: "4",
        share_count: null,
        image_list: ["https://i/1.jpg", "https://i/2.jpg"],
        tag_list: ["咖啡", "手冲"],
        note_url: "https://www.xiaohongshu.com/explore/66aa?xsec_token=t&xsec_source=pc_search",
        source_keyword: "咖啡",
        xsec_token: "t",
      } satisfies XhsContentFields),
    );
    // store/xhs/__init__.py:114-128
    expect(row).toEqual({
      note_id: "66aa",
      type: "normal",
      title: "咖啡",
      desc: "手冲",
      video_url: "",
      time: 1_733_000_000_000,
      last_update_time: 0,
      creator_hash: HASHED.creator_hash,
      nickname: "小***",
      liked_count: "1.2万",
      collected_count: "3",
      comment_count: "4",
      share_count: null,
      image_list: "https://i/1.jpg,https://i/2.jpg",
      tag_list: "咖啡,手冲",
      last_modify_ts: CRAWLED_MS,
      note_url: "https://www.xiaohongshu.com/explore/66aa?xsec_token=t&xsec_source=pc_search",
      source_keyword: "咖啡",
      xsec_token: "t",
    });
    // store/xhs/__init__.py:112: a note without a title takes the first 255 characters of its desc
    const untitled = toMcRow(
      MC_LAYOUTS.xhs,
      "contents",
      stored("xhs", "content", { title: "", desc: "长".repeat(300) }),
    );
    expect(untitled!.title).toBe("长".repeat(255));
    const comment = toMcRow(
      MC_LAYOUTS.xhs,
      "comments",
      stored(
        "xhs",
        "comment",
        {
          comment_id: "c1",
          create_time: 1_733_000_000_000,
          note_id: "66aa",
          content: "好喝",
          sub_comment_count: null,
          pictures: [],
          parent_comment_id: null,
          like_count: "7",
        } satisfies XhsCommentFields,
        KEPT,
      ),
    );
    // store/xhs/__init__.py:169-175; with keep_user_info the identity is MC's own: tools/user_hash.py:11-36
    expect(comment).toMatchObject({
      creator_hash: MC_HASH_OF_U42,
      nickname: "小***学",
      sub_comment_count: 0,
      pictures: "",
      parent_comment_id: "",
      like_count: "7",
    });
    const creator = toMcRow(
      MC_LAYOUTS.xhs,
      "creators",
      stored(
        "xhs",
        "creator",
        {
          desc: "bio",
          gender: 1,
          follows: "1",
          fans: "2",
          interaction: "3",
          tag_list: ["a"],
        } satisfies XhsCreatorFields,
        KEPT,
      ),
    );
    // 9f4f8bf^:store/xhs/__init__.py:207-227
    expect(creator).toEqual({
      user_id: "u-42",
      nickname: "小明同学",
      gender: "Female",
      avatar: "https://img/a.jpg",
      desc: "bio",
      ip_location: "广东",
      follows: "1",
      fans: "2",
      interaction: "3",
      tag_list: "",
      last_modify_ts: CRAWLED_MS,
    });
  });

  it("dy: counts as strings (str()), reply_id '0' for a top-level comment, note images joined", () => {
    const row = toMcRow(
      MC_LAYOUTS.dy,
      "contents",
      stored("dy", "content", {
        aweme_id: "7",
        aweme_type: "0",
        title: "t",
        desc: "t",
        create_time: 1_733_000_000,
        liked_count: 12,
        collected_count: 3,
        comment_count: 0,
        share_count: null,
        aweme_url: "https://www.douyin.com/video/7",
        cover_url: null,
        video_download_url: "https://v/1",
        music_download_url: null,
        note_download_url: ["https://p/1", "https://p/2"],
        source_keyword: null,
      } satisfies DyContentFields),
    );
    // store/douyin/__init__.py:170-179
    expect(row).toMatchObject({
      liked_count: "12",
      collected_count: "3",
      comment_count: "0",
      share_count: null,
      cover_url: "",
      music_download_url: "",
      note_download_url: "https://p/1,https://p/2",
      last_modify_ts: CRAWLED_MS,
    });
    const comment = toMcRow(
      MC_LAYOUTS.dy,
      "comments",
      stored("dy", "comment", {
        comment_id: "c",
        aweme_id: "7",
        content: "x",
        create_time: 1,
        like_count: null,
        sub_comment_count: 5,
        parent_comment_id: null,
        pictures: [],
      } satisfies DyCommentFields),
    );
    // store/douyin/__init__.py:200,208-212
    expect(comment).toMatchObject({ sub_comment_count: "5", like_count: 0, parent_comment_id: "0", pictures: "" });
  });

  it("ks: viewd_count (MC's spelling) as a string, titles cut to 500 characters", () => {
    const long = "长".repeat(600);
    const row = toMcRow(
      MC_LAYOUTS.ks,
      "contents",
      stored("ks", "content", {
        video_id: "v",
        video_type: "1",
        title: long,
        desc: long,
        create_time: 1_733_000_000_000,
        liked_count: 9,
        viewd_count: "1.1万",
        comment_count: 3,
        video_url: "https://www.kuaishou.com/short-video/v",
        video_cover_url: null,
        video_play_url: "https://p",
        source_keyword: "k",
      } satisfies KsContentFields),
    );
    // store/kuaishou/__init__.py:63-74
    expect(row).toMatchObject({ liked_count: "9", viewd_count: "1.1万", video_cover_url: "" });
    expect(Array.from(row!.title as string)).toHaveLength(500);
    expect(row).not.toHaveProperty("comment_count");
    const comment = toMcRow(
      MC_LAYOUTS.ks,
      "comments",
      stored("ks", "comment", {
        comment_id: "1",
        video_id: "v",
        content: "x",
        create_time: 1,
        sub_comment_count: null,
        parent_comment_id: null,
      } satisfies KsCommentFields),
    );
    // store/kuaishou/__init__.py:96,105
    expect(comment).toMatchObject({ comment_id: "1", sub_comment_count: "0" });
    expect(comment).not.toHaveProperty("parent_comment_id");
  });

  it("bili: stats as strings, '' when none; a top-level comment's parent is '0'", () => {
    const row = toMcRow(
      MC_LAYOUTS.bili,
      "contents",
      stored("bili", "content", {
        video_id: "170001",
        bvid: "BV1",
        video_type: "video",
        title: "t",
        desc: "d",
        create_time: 1_733_000_000,
        duration: 60,
        liked_count: 5,
        disliked_count: 0,
        video_play_count: 100,
        video_danmaku: null,
        video_comment: 2,
        video_favorite_count: 1,
        video_coin_count: 1,
        video_share_count: 1,
        video_url: "https://www.bilibili.com/video/av170001",
        video_cover_url: "https://c",
        source_keyword: "k",
      } satisfies BiliContentFields),
    );
    // store/bilibili/__init__.py:68-75
    expect(row).toMatchObject({ liked_count: "5", disliked_count: "0", video_play_count: "100", video_danmaku: "" });
    expect(row).not.toHaveProperty("bvid");
    const comment = toMcRow(
      MC_LAYOUTS.bili,
      "comments",
      stored("bili", "comment", {
        comment_id: "9",
        video_id: "170001",
        content: "x",
        create_time: 1,
        sub_comment_count: 2,
        parent_comment_id: null,
        root_comment_id: null,
        like_count: 4,
      } satisfies BiliCommentFields),
    );
    // store/bilibili/__init__.py:99,111-112
    expect(comment).toMatchObject({ parent_comment_id: "0", sub_comment_count: "2", like_count: 4 });
  });

  it("wb: create_date_time with +08:00 as str(datetime) writes it, counts as strings, rootid", () => {
    const row = toMcRow(
      MC_LAYOUTS.wb,
      "contents",
      stored("wb", "content", {
        note_id: "5",
        content: "x",
        create_time: 1_733_000_000,
        create_date_time: "2024-12-01 04:53:20",
        liked_count: 3,
        comments_count: null,
        shared_count: "1.2万",
        note_url: "https://m.weibo.cn/detail/5",
        is_long_text: false,
        source_keyword: null,
        image_list: ["https://wx1.sinaimg.cn/large/a.jpg"],
      } satisfies WbContentFields),
    );
    // store/weibo/__init__.py:93-97; tools/time_util.py:101-110
    expect(row).toMatchObject({
      create_date_time: "2024-12-01 04:53:20+08:00",
      liked_count: "3",
      comments_count: "0",
      shared_count: "1.2万",
    });
    expect(row).not.toHaveProperty("is_long_text");
    // MC's weibo contents carry no picture list (store/weibo/__init__.py:93-109).
    expect(row).not.toHaveProperty("image_list");
    const comment = toMcRow(
      MC_LAYOUTS.wb,
      "comments",
      stored("wb", "comment", {
        comment_id: "c9",
        note_id: "5",
        content: "x",
        create_time: 1,
        create_date_time: null,
        comment_like_count: 2,
        sub_comment_count: 0,
        parent_comment_id: null,
      } satisfies WbCommentFields),
    );
    // store/weibo/__init__.py:150-153: rootid is the comment's own id at the top level
    expect(comment).toMatchObject({ parent_comment_id: "c9", comment_like_count: "2", sub_comment_count: "0" });
    const creator = toMcRow(
      MC_LAYOUTS.wb,
      "creators",
      stored("wb", "creator", {
        desc: null,
        gender: "f",
        follows: 1,
        fans: null,
        statuses_count: 3,
      } satisfies WbCreatorFields),
    );
    // 9f4f8bf^:store/weibo/__init__.py:191-199; without keep_user_info no identity is written
    expect(creator).toMatchObject({ user_id: "", nickname: "", gender: "Female", fans: "", tag_list: "" });
  });

  it("tieba: publish_time as a 'YYYY-MM-DD HH:MM:SS' string (UTC+8), user_nickname, ints", () => {
    const row = toMcRow(
      MC_LAYOUTS.tieba,
      "contents",
      stored("tieba", "content", {
        note_id: "9",
        title: "标题",
        desc: null,
        note_url: "https://tieba.baidu.com/p/9",
        publish_time: 1_733_000_000,
        tieba_name: "咖啡",
        tieba_link: "https://tieba.baidu.com/f?kw=咖啡",
        total_replay_num: "12",
        total_replay_page: null,
        source_keyword: null,
        user_link: null,
      } satisfies TiebaContentFields),
    );
    // model/m_baidu_tieba.py:31-42; media_platform/tieba/help.py:144; tools/time_util.py:60-68
    expect(row).toMatchObject({
      desc: "",
      publish_time: "2024-12-01 04:53:20",
      user_nickname: "小***",
      total_replay_num: 12,
      total_replay_page: 0,
      source_keyword: "",
    });
    expect(row).not.toHaveProperty("user_link");
    const comment = toMcRow(
      MC_LAYOUTS.tieba,
      "comments",
      stored(
        "tieba",
        "comment",
        {
          comment_id: "c",
          parent_comment_id: null,
          content: "x",
          publish_time: null,
          sub_comment_count: 2,
          note_id: "9",
          note_url: "u",
          tieba_id: "42",
          tieba_name: "咖啡",
          tieba_link: null,
          user_link: "https://tieba.baidu.com/home/main?id=tb.1.x",
        } satisfies TiebaCommentFields,
        { ...KEPT, nickname: "明" },
      ),
    );
    // model/m_baidu_tieba.py:51-59; MC hashes the profile link (media_platform/tieba/help.py:211), masks a 1-character name as "*"
    expect(comment).toMatchObject({
      parent_comment_id: "",
      publish_time: "",
      tieba_id: "42",
      tieba_link: "",
      user_nickname: "*",
      creator_hash: createHash("sha256")
        .update("https://tieba.baidu.com/home/main?id=tb.1.x")
        .digest("hex")
        .slice(0, 16),
    });
  });

  it("zhihu: anwser_count as MC spells it, user_nickname, ints with 0 defaults", () => {
    const row = toMcRow(
      MC_LAYOUTS.zhihu,
      "contents",
      stored("zhihu", "content", {
        content_id: "1",
        content_type: "answer",
        content_url: "https://www.zhihu.com/question/2/answer/1",
        title: "问",
        desc: null,
        content_text: "答",
        created_time: 1_733_000_000,
        updated_time: null,
        voteup_count: 10,
        comment_count: null,
        question_id: "2",
        source_keyword: "k",
        user_link: null,
        user_url_token: null,
      } satisfies ZhihuContentFields),
    );
    // model/m_zhihu.py:29-42
    expect(row).toMatchObject({
      desc: "",
      updated_time: 0,
      voteup_count: 10,
      comment_count: 0,
      user_nickname: "小***",
    });
    const comment = toMcRow(
      MC_LAYOUTS.zhihu,
      "comments",
      stored("zhihu", "comment", {
        comment_id: "c",
        parent_comment_id: null,
        content: "x",
        publish_time: 1,
        sub_comment_count: null,
        like_count: 1,
        dislike_count: null,
        content_id: "1",
        content_type: "answer",
        user_link: null,
        user_url_token: null,
      } satisfies ZhihuCommentFields),
    );
    // model/m_zhihu.py:50-60
    expect(comment).toMatchObject({ parent_comment_id: "", sub_comment_count: 0, dislike_count: 0 });
    const creator = toMcRow(
      MC_LAYOUTS.zhihu,
      "creators",
      stored(
        "zhihu",
        "creator",
        {
          gender: "male",
          follows: 1,
          fans: 2,
          answer_count: 3,
          article_count: 4,
          video_count: 5,
          question_count: 6,
          column_count: 7,
          get_voteup_count: 8,
          user_link: "https://www.zhihu.com/people/x",
          user_url_token: "x",
        } satisfies ZhihuCreatorFields,
        KEPT,
      ),
    );
    // 9f4f8bf^:model/m_zhihu.py:77-91; 9f4f8bf^:media_platform/zhihu/help.py:311-325
    expect(creator).toMatchObject({ anwser_count: 3, url_token: "x", gender: "Male", user_nickname: "小明同学" });
  });

  it("skips what MC's file would not hold: other kinds, failed posts, probe reports", () => {
    expect(toMcRow(MC_LAYOUTS.xhs, "contents", stored("xhs", "comment", {}))).toBeUndefined();
    expect(toMcRow(MC_LAYOUTS.xhs, "contents", { ...stored("xhs", "content", {}), ok: false })).toBeUndefined();
    expect(toMcRow(MC_LAYOUTS.xhs, "contents", stored("xhs", "probe", {}))).toBeUndefined();
  });
});

describe("MediaCrawler files", () => {
  it("names them {crawler_type}_{item_type}_{date}.{ext} (tools/async_file_writer.py:43)", () => {
    expect(mcFileName({ crawler_type: "search", created_at: "2026-12-06T03:00:00.000Z" }, "comments", "csv")).toBe(
      "search_comments_2026-12-06.csv",
    );
  });

  it("writes JSON Lines and JSON as Python's json.dumps does (tools/async_file_writer.py:60,80)", async () => {
    expect(mcJsonLine({ a: "咖啡", b: 1, c: null })).toBe('{"a": "咖啡", "b": 1, "c": null}\n');
    async function* pages() {
      yield [{ a: 1, b: "x" }];
      yield [];
      yield [{ a: 2, b: null }];
    }
    let json = "";
    for await (const chunk of mcJsonArray(pages())) json += chunk;
    expect(json).toBe(
      '[\n    {\n        "a": 1,\n        "b": "x"\n    },\n    {\n        "a": 2,\n        "b": null\n    }\n]',
    );
    let empty = "";
    for await (const chunk of mcJsonArray((async function* () {})())) empty += chunk;
    expect(empty).toBe("[]");
  });
});

describe("docs/exports.md", () => {
  it("has the mapping tables the layouts make (npx tsx scripts/mediacrawler-docs.ts rewrites them)", () => {
    const docs = readFileSync(new URL("../../docs/exports.md", import.meta.url), "utf8");
    const start = docs.indexOf(DOCS_TABLE_START);
    const end = docs.indexOf(DOCS_TABLE_END);
    expect(start).toBeGreaterThan(0);
    expect(docs.slice(start, end + DOCS_TABLE_END.length)).toBe(mediaCrawlerDocsTables());
  });
});
