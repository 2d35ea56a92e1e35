/**
 * since_last_run on a media crawl (docs/schedules.md#since_last_run): 抖音's stand-in
 * (tests/fixtures/dy) in real Chromium, through crawlMedia, with the schedule's record in
 * dynalite's schedules table through the real DynamoDB client (core/schedules/seen.ts).
 *
 * The stand-in's listing does not move between runs, so what happened between two runs is
 * written into the record itself: a post's entry removed is a post published since the
 * earlier run (the listing is newest first, so it sits above what that run stored), and an
 * entry whose hash differs is a post whose content changed since.
 */
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SinceLastRun } from "../../core/crawl/sinceLastRun.js";
import { dyPlatform, dyTaskInput } from "../../core/platforms/dy/index.js";
import type { ResultItem } from "../../core/platforms/types.js";
import { DynamoSeenItemStore, seenKey } from "../../core/schedules/seen.js";
import { DynamoScheduleStore } from "../../core/schedules/store.js";
import { DY_DATA, dyCreatorAwemeId, dySearchAwemeId } from "../fixtures/dy/data.js";
import { startDyStandIn, type DyStandIn } from "../fixtures/dy/server.js";
import { DY_ACCOUNT as ACCOUNT } from "../fixtures/shared/accounts.js";
import { startTestAws, type TestAws } from "../support/aws.js";
import { mediaHarness, ofType } from "../support/mediaHarness.js";

const SEARCH = "/aweme/v1/web/general/search/single/";
const POSTS = "/aweme/v1/web/aweme/post/";
const SCHEDULES_TABLE = "schedules";

let dy: DyStandIn;
let aws: TestAws;
let store: DynamoSeenItemStore;

const { task, run, pointBaseUrls } = mediaHarness({ platform: dyPlatform, schema: dyTaskInput, account: ACCOUNT });

beforeAll(async () => {
  [dy, aws] = await Promise.all([startDyStandIn(), startTestAws({ setEnv: false })]);
  pointBaseUrls({ WWW: dy.baseUrl, SHORT: `${dy.baseUrl}/short` });
  store = new DynamoSeenItemStore(aws.clients.doc, SCHEDULES_TABLE);
});

afterAll(async () => {
  await dy?.close();
  await aws?.close();
});

beforeEach(() => dy.reset());

/** One scheduled run: the crawl with the schedule's check, then what it yielded remembered as the recorder does once stored. */
async function scheduledRun(scheduleId: string, fields: Record<string, unknown>) {
  const sinceLastRun = new SinceLastRun(store, scheduleId);
  dy.requests.length = 0;
  const { items } = await run(task(fields), { context: { sinceLastRun } });
  // The runner checks what the crawl did not (creators, comments) and skips the unchanged ones.
  const stored: ResultItem[] = [];
  for (const item of items)
    if (item.contentHash !== undefined || !(await sinceLastRun.unchanged(item))) stored.push(item);
  await sinceLastRun.remember(stored);
  return { stored, listCalls: (path: string) => dy.apiRequests(path).length };
}

const forget = (scheduleId: string, itemKey: string) =>
  aws.clients.doc.send(
    new DeleteCommand({ TableName: SCHEDULES_TABLE, Key: { schedule_id: seenKey(scheduleId, itemKey) } }),
  );
const changeHash = (scheduleId: string, itemKey: string) =>
  aws.clients.doc.send(
    new PutCommand({ TableName: SCHEDULES_TABLE, Item: { schedule_id: seenKey(scheduleId, itemKey), hash: "before" } }),
  );
const contentIds = (items: ResultItem[]) => ofType(items, "content").map((item) => item.data.aweme_id);

describe("since_last_run, dy search sorted latest (newest first)", () => {
  const SEARCH_LATEST = { crawler_type: "search", keywords: "咖啡", sort: "latest", max_notes_count: 30 };

  it("stores every post on the first run; the next run stores only the new and changed ones and stops paging at the first unchanged post", async () => {
    const first = await scheduledRun("01SCHEDULESEARCHLATEST0001", SEARCH_LATEST);
    const k = dy.keywordIndex("咖啡");
    const ids = Array.from({ length: 30 }, (_, i) => dySearchAwemeId(k, i));
    expect(contentIds(first.stored)).toEqual(ids);
    // A filtered search page reads its first page from single/ itself, then the crawler asks for the next.
    expect(first.listCalls(SEARCH)).toBe(2);

    // Since then: two posts were published above the others, and the third one was edited.
    await forget("01SCHEDULESEARCHLATEST0001", `dy:content:${ids[0]}`);
    await forget("01SCHEDULESEARCHLATEST0001", `dy:content:${ids[1]}`);
    await changeHash("01SCHEDULESEARCHLATEST0001", `dy:content:${ids[2]}`);

    const second = await scheduledRun("01SCHEDULESEARCHLATEST0001", SEARCH_LATEST);
    expect(contentIds(second.stored)).toEqual(ids.slice(0, 3));
    // Post 3 was stored unchanged: the rest is older, so no page after the page's own first one is asked for.
    expect(second.listCalls(SEARCH)).toBe(1);

    // Nothing new: nothing stored.
    const third = await scheduledRun("01SCHEDULESEARCHLATEST0001", SEARCH_LATEST);
    expect(third.stored).toEqual([]);
  });

  it("with a sort that is not newest first, pages to the cap as before but still stores only what changed", async () => {
    const general = { ...SEARCH_LATEST, sort: "general" };
    const first = await scheduledRun("01SCHEDULESEARCHGENERAL001", general);
    const k = dy.keywordIndex("咖啡");
    const ids = Array.from({ length: 30 }, (_, i) => dySearchAwemeId(k, i));
    await changeHash("01SCHEDULESEARCHGENERAL001", `dy:content:${ids[5]}`);

    const second = await scheduledRun("01SCHEDULESEARCHGENERAL001", general);
    expect(contentIds(second.stored)).toEqual([ids[5]]);
    expect(second.listCalls(SEARCH)).toBe(first.listCalls(SEARCH));
  });

  it("a schedule's record is its own: another schedule stores everything", async () => {
    await scheduledRun("01SCHEDULEOWNRECORD0000001", SEARCH_LATEST);
    const other = await scheduledRun("01SCHEDULEOWNRECORD0000002", SEARCH_LATEST);
    expect(ofType(other.stored, "content")).toHaveLength(30);
  });

  it("a post stored unchanged: its comments are not stored again; a changed post's comments are checked one by one", async () => {
    const withComments = { ...SEARCH_LATEST, max_notes_count: 3, enable_comments: true, max_comments_count: 5 };
    const first = await scheduledRun("01SCHEDULECOMMENTS00000001", withComments);
    expect(ofType(first.stored, "comment")).toHaveLength(15);
    const k = dy.keywordIndex("咖啡");
    await changeHash("01SCHEDULECOMMENTS00000001", `dy:content:${dySearchAwemeId(k, 0)}`);

    const second = await scheduledRun("01SCHEDULECOMMENTS00000001", withComments);
    // Post 0 changed (stored again); its comments are the same, so not stored again; post 1 ends the listing.
    expect(contentIds(second.stored)).toEqual([dySearchAwemeId(k, 0)]);
    expect(ofType(second.stored, "comment")).toEqual([]);
  });
});

describe("since_last_run, dy creator (newest first)", () => {
  const CREATOR = {
    crawler_type: "creator",
    creator_ids: DY_DATA.secUserId,
    max_notes_count: 25,
    keep_user_info: true,
  };

  it("stops after the posts a creator may pin: the next run asks for the first post page only", async () => {
    const scheduleId = "01SCHEDULECREATOR000000001";
    const first = await scheduledRun(scheduleId, CREATOR);
    const c = dy.creatorIndex(DY_DATA.secUserId);
    const ids = Array.from({ length: 25 }, (_, i) => dyCreatorAwemeId(c, i));
    expect(contentIds(first.stored)).toEqual(ids);
    expect(first.listCalls(POSTS)).toBe(2);

    await forget(scheduleId, `dy:content:${ids[0]}`);
    const second = await scheduledRun(scheduleId, CREATOR);
    expect(contentIds(second.stored)).toEqual([ids[0]]);
    // The creator's profile is unchanged (its counters left out of the hash): not stored again.
    expect(ofType(second.stored, "creator")).toEqual([]);
    expect(second.listCalls(POSTS)).toBe(1);
  });
});

describe("the record beside the schedules", () => {
  it("is never listed as a schedule (its entries carry no list_pk, so by_created never sees them)", async () => {
    await scheduledRun("01SCHEDULELISTING000000001", { crawler_type: "search", keywords: "咖啡", max_notes_count: 3 });
    const listed = await new DynamoScheduleStore(aws.clients.doc, SCHEDULES_TABLE).list({ limit: 100 });
    expect(listed.items).toEqual([]);
  });
});
