import { describe, expect, it } from "vitest";
import {
  awemeOfSearchResult,
  dyCommentRecord,
  dyContentRecord,
  dyCreatorRecord,
} from "../../core/platforms/dy/items.js";
import { ksCommentRecord, ksContentRecord, ksCreatorRecord, ksHasReplies } from "../../core/platforms/ks/items.js";

const WWW_DY = "https://www.douyin.com";
const WWW_KS = "https://www.kuaishou.com";

describe("dy mappers", () => {
  const aweme = {
    aweme_id: "7234567890123456",
    aweme_type: 0,
    desc: "作品描述 #话题",
    create_time: 1_700_000_000,
    ip_label: "上海",
    author: {
      uid: "9876543210",
      sec_uid: "MS4wLjABAAAAsec",
      nickname: "抖音创作者",
      avatar_thumb: { url_list: ["http://x/avatar.jpg"] },
    },
    statistics: { digg_count: 100, collect_count: 5, comment_count: 20, share_count: 3 },
    video: {
      origin_cover: { url_list: ["http://x/cover.jpg", "http://x/cover2.jpg"] },
      play_addr_h264: { url_list: ["", "http://x/h264.mp4"] },
      play_addr: { url_list: ["http://x/video.mp4"] },
    },
    images: [{ url_list: ["http://x/1.jpg"] }, { url_list: ["http://x/2.jpg"] }],
    music: { play_url: { uri: "http://x/music.mp3", url_list: ["http://x/music-mirror.mp3"] } },
  };

  it("maps a post to the documented content fields, creator identity kept apart", () => {
    expect(dyContentRecord(aweme, { wwwBase: WWW_DY, sourceKeyword: "咖啡" })).toEqual({
      item_type: "content",
      id: "7234567890123456",
      fields: {
        aweme_id: "7234567890123456",
        aweme_type: "0",
        title: "作品描述 #话题",
        desc: "作品描述 #话题",
        create_time: 1_700_000_000,
        liked_count: 100,
        collected_count: 5,
        comment_count: 20,
        share_count: 3,
        aweme_url: "https://www.douyin.com/video/7234567890123456",
        cover_url: "http://x/cover.jpg",
        video_download_url: "http://x/h264.mp4",
        music_download_url: "http://x/music.mp3",
        note_download_url: ["http://x/1.jpg", "http://x/2.jpg"],
        source_keyword: "咖啡",
      },
      // The sec_uid: the id creator mode takes (probe: search, then creator on the author).
      creator: {
        user_id: "MS4wLjABAAAAsec",
        nickname: "抖音创作者",
        avatar: "http://x/avatar.jpg",
        ip_location: "上海",
      },
    });
  });

  it("gives nulls, not crashes, for what the site left out, and nothing for a card without a post", () => {
    const record = dyContentRecord({ aweme_id: "1" }, { wwwBase: WWW_DY });
    expect(record?.fields).toMatchObject({
      aweme_type: null,
      create_time: null,
      liked_count: null,
      cover_url: null,
      video_download_url: null,
      music_download_url: null,
      note_download_url: [],
      source_keyword: null,
    });
    expect(record?.creator).toBeUndefined();
    expect(dyContentRecord({ desc: "no id" } as never, { wwwBase: WWW_DY })).toBeUndefined();
    expect(
      dyContentRecord(
        { aweme_id: "3", music: { play_url: { url_list: ["http://x/m.mp3"] } }, author: { uid: "77" } },
        { wwwBase: WWW_DY },
      ),
    ).toMatchObject({ fields: { music_download_url: "http://x/m.mp3" }, creator: { user_id: "77" } });
    expect(awemeOfSearchResult({ aweme_mix_info: { mix_items: [{ aweme_id: "2" }] } })?.aweme_id).toBe("2");
  });

  it("maps comments and replies; a reply carries its top-level comment as parent", () => {
    const comment = {
      cid: "111",
      aweme_id: "7234567890123456",
      text: "评论",
      create_time: 1_700_000_001,
      reply_id: "0",
      reply_comment_total: 2,
      digg_count: 5,
      ip_label: "北京",
      user: { uid: "555", nickname: "评论员" },
      image_list: [{ origin_url: { url_list: ["http://x/c.jpg"] } }],
    };
    expect(dyCommentRecord(comment, "7234567890123456")).toEqual({
      item_type: "comment",
      id: "111",
      fields: {
        comment_id: "111",
        aweme_id: "7234567890123456",
        content: "评论",
        create_time: 1_700_000_001,
        like_count: 5,
        sub_comment_count: 2,
        parent_comment_id: null,
        pictures: ["http://x/c.jpg"],
      },
      creator: { user_id: "555", nickname: "评论员", ip_location: "北京" },
    });
    const reply = dyCommentRecord({ cid: "112", reply_id: "0", text: "回复" }, "7234567890123456", "111");
    expect(reply).toMatchObject({
      parentId: "111",
      fields: { parent_comment_id: "111", aweme_id: "7234567890123456", like_count: 0, pictures: [] },
    });
    expect(dyCommentRecord({ cid: "113", reply_id: "111" }, "7234567890123456")?.parentId).toBe("111");
  });

  it("maps a profile to a creator record, dropping the IP label's prefix", () => {
    const record = dyCreatorRecord(
      {
        uid: "1",
        sec_uid: "MS4wsec",
        nickname: "作者",
        follower_count: 10,
        following_count: 2,
        total_favorited: 300,
        aweme_count: 4,
        ip_location: "IP属地：四川",
      },
      "MS4wsec",
    );
    expect(record).toEqual({
      item_type: "creator",
      id: "MS4wsec",
      fields: { follows: 2, fans: 10, interaction: 300, videos_count: 4 },
      creator: { user_id: "MS4wsec", nickname: "作者", ip_location: "四川" },
    });
  });
});

describe("ks mappers", () => {
  const feed = {
    type: 1,
    author: { id: "3xauthor", name: "快手达人", headerUrl: "https://p/h.jpg" },
    photo: {
      id: "3xf8e9kq2b7w4",
      caption: "测试视频 #测试",
      timestamp: 1_700_000_000_000,
      realLikeCount: 12345,
      likeCount: "1.2万",
      viewCount: "6.7万",
      commentCount: 30,
      coverUrl: "https://p/c.jpg",
      photoUrl: "https://v/p.mp4",
    },
  };

  it("maps a feed card to the documented content fields (viewd_count spelt as dumps spell it)", () => {
    expect(ksContentRecord(feed, { wwwBase: WWW_KS, sourceKeyword: "测试" })).toEqual({
      item_type: "content",
      id: "3xf8e9kq2b7w4",
      fields: {
        video_id: "3xf8e9kq2b7w4",
        video_type: "1",
        title: "测试视频 #测试",
        desc: "测试视频 #测试",
        create_time: 1_700_000_000_000,
        liked_count: 12345,
        viewd_count: "6.7万",
        comment_count: 30,
        video_url: "https://www.kuaishou.com/short-video/3xf8e9kq2b7w4",
        video_cover_url: "https://p/c.jpg",
        video_play_url: "https://v/p.mp4",
        source_keyword: "测试",
      },
      creator: { user_id: "3xauthor", nickname: "快手达人", avatar: "https://p/h.jpg" },
    });
  });

  it("cuts captions to 500 characters, falls back to the rounded like count, and skips cards without a photo", () => {
    const long = ksContentRecord(
      { photo: { id: "3x1", caption: "长".repeat(600), likeCount: "3万" } },
      { wwwBase: WWW_KS },
    );
    expect((long?.fields.title as string).length).toBe(500);
    expect(long?.fields.liked_count).toBe("3万");
    expect(ksContentRecord({ type: 1, photo: null }, { wwwBase: WWW_KS })).toBeUndefined();
  });

  it("maps REST comments (numeric ids as strings) and replies", () => {
    const comment = {
      comment_id: 9001,
      author_id: "ks_user_888",
      author_name: "快手老铁",
      headurl: "https://p/u.jpg",
      content: "太搞笑了",
      timestamp: 1_700_000_001_234,
      commentCount: 7,
      hasSubComments: true,
    };
    expect(ksCommentRecord(comment, "3xf8e9kq2b7w4")).toEqual({
      item_type: "comment",
      id: "9001",
      fields: {
        comment_id: "9001",
        video_id: "3xf8e9kq2b7w4",
        content: "太搞笑了",
        create_time: 1_700_000_001_234,
        sub_comment_count: 7,
        parent_comment_id: null,
      },
      creator: { user_id: "ks_user_888", nickname: "快手老铁", avatar: "https://p/u.jpg" },
    });
    expect(ksHasReplies(comment)).toBe(true);
    expect(ksCommentRecord({ comment_id: 9002, content: "回复" }, "3xf8e9kq2b7w4", "9001")).toMatchObject({
      parentId: "9001",
      fields: { parent_comment_id: "9001", sub_comment_count: 0 },
    });
    expect(ksCommentRecord({ content: "no id" } as never, "3x")).toBeUndefined();
  });

  it("maps visionProfile to a creator record", () => {
    const record = ksCreatorRecord(
      {
        ownerCount: { fan: 10, follow: 2, photo_public: 30 },
        profile: { user_id: "3xu", user_name: "作者", headurl: "https://p/u.jpg" },
      },
      "3xu",
    );
    expect(record).toEqual({
      item_type: "creator",
      id: "3xu",
      fields: { follows: 2, fans: 10, videos_count: 30 },
      creator: { user_id: "3xu", nickname: "作者", avatar: "https://p/u.jpg" },
    });
    expect(ksCreatorRecord(null, "3xu")).toBeUndefined();
  });
});
