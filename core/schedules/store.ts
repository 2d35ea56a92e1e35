import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { callDependency, isConditionalCheckFailed } from "../aws/dependency.js";
import { SCHEDULES_TABLE } from "../aws/tables.js";
import { decodeCursor, encodeCursor } from "../pagination.js";
import type { Page } from "../tasks/store.js";
import {
  RECENT_RUNS_KEPT,
  SCHEDULE_LIST_PK,
  type Schedule,
  type ScheduleRun,
  type ScheduleState,
  type StoredSchedule,
} from "./model.js";

/** The schedules table: the store of record of every schedule and its recent runs. */
export interface ScheduleStore {
  create(schedule: Schedule): Promise<void>;
  get(scheduleId: string): Promise<Schedule | undefined>;
  list(query: { limit: number; cursor?: string | undefined }): Promise<Page<Schedule>>;
  /** Sets the state (and, given, the anchor) if the schedule exists; the updated schedule, or undefined. */
  setState(scheduleId: string, state: ScheduleState, anchorAt?: string): Promise<Schedule | undefined>;
  delete(scheduleId: string): Promise<void>;
  /** Records a run at the head of `recent_runs`, keeping the newest {@link RECENT_RUNS_KEPT}; a run already there is left as it is. */
  recordRun(scheduleId: string, run: ScheduleRun): Promise<void>;
}

const LIST_INDEX = SCHEDULES_TABLE.indexes[0];

export class DynamoScheduleStore implements ScheduleStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(schedule: Schedule): Promise<void> {
    const item: StoredSchedule = { ...schedule, list_pk: SCHEDULE_LIST_PK };
    await callDependency("schedules_table", () =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: "attribute_not_exists(schedule_id)",
        }),
      ),
    );
  }

  async get(scheduleId: string): Promise<Schedule | undefined> {
    const result = await callDependency("schedules_table", () =>
      this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: { schedule_id: scheduleId }, ConsistentRead: true }),
      ),
    );
    return result.Item === undefined ? undefined : withoutListKey(result.Item as StoredSchedule);
  }

  async list(query: { limit: number; cursor?: string | undefined }): Promise<Page<Schedule>> {
    const start = decodeCursor(query.cursor, [LIST_INDEX.hashKey, SCHEDULES_TABLE.hashKey]);
    if (start !== undefined) start[LIST_INDEX.hashKey] = SCHEDULE_LIST_PK;
    const result = await callDependency("schedules_table", () =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: LIST_INDEX.name,
          KeyConditionExpression: "#pk = :pk",
          ExpressionAttributeNames: { "#pk": LIST_INDEX.hashKey },
          ExpressionAttributeValues: { ":pk": SCHEDULE_LIST_PK },
          ScanIndexForward: false,
          Limit: query.limit,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      ),
    );
    return {
      items: (result.Items ?? []).map((item) => withoutListKey(item as StoredSchedule)),
      next_cursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  async setState(scheduleId: string, state: ScheduleState, anchorAt?: string): Promise<Schedule | undefined> {
    try {
      const result = await callDependency("schedules_table", () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { schedule_id: scheduleId },
            UpdateExpression: `SET #state = :state, updated_at = :now${anchorAt === undefined ? "" : ", anchor_at = :anchor"}`,
            ConditionExpression: "attribute_exists(schedule_id)",
            ExpressionAttributeNames: { "#state": "state" },
            ExpressionAttributeValues: {
              ":state": state,
              ":now": new Date().toISOString(),
              ...(anchorAt === undefined ? {} : { ":anchor": anchorAt }),
            },
            ReturnValues: "ALL_NEW",
          }),
        ),
      );
      return withoutListKey(result.Attributes as StoredSchedule);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async delete(scheduleId: string): Promise<void> {
    await callDependency("schedules_table", () =>
      this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { schedule_id: scheduleId } })),
    );
  }

  /**
   * Read, then a write conditional on the run count read: two runs recorded at once (Scheduler
   * delivers at least once) cannot drop each other's entry; the loser reads again.
   */
  async recordRun(scheduleId: string, run: ScheduleRun): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const schedule = await this.get(scheduleId);
      if (schedule === undefined) return;
      if (schedule.recent_runs.some((known) => known.task_id === run.task_id)) return;
      const runs = [run, ...schedule.recent_runs]
        .sort((a, b) => b.scheduled_time.localeCompare(a.scheduled_time))
        .slice(0, RECENT_RUNS_KEPT);
      const latest = runs[0]?.scheduled_time ?? run.scheduled_time;
      try {
        await callDependency("schedules_table", () =>
          this.doc.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { schedule_id: scheduleId },
              UpdateExpression: "SET recent_runs = :runs, last_scheduled_time = :latest, run_count = :count",
              ConditionExpression: "attribute_exists(schedule_id) AND run_count = :before",
              ExpressionAttributeValues: {
                ":runs": runs,
                ":latest": latest,
                ":count": schedule.run_count + 1,
                ":before": schedule.run_count,
              },
            }),
          ),
        );
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
  }
}

function withoutListKey(item: StoredSchedule): Schedule {
  const { list_pk: _listKey, ...schedule } = item;
  return schedule;
}
