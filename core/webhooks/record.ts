import { UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { callDependency, isConditionalCheckFailed } from "../aws/dependency.js";
import type { WebhookDeliveryRecord } from "../tasks/model.js";

/** Where the outcome of each delivery attempt is kept, for GET /api/v1/tasks/{id} to show. */
export interface WebhookRecords {
  record(taskId: string, record: WebhookDeliveryRecord): Promise<void>;
}

/**
 * Writes `webhook` on the task's item. Only the newest event of a task is kept: an attempt
 * of an older event (a task retried and ended again meanwhile) does not overwrite it, and a
 * deleted task is not brought back as a bare item.
 */
export class DynamoWebhookRecords implements WebhookRecords {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tasksTable: string,
  ) {}

  async record(taskId: string, record: WebhookDeliveryRecord): Promise<void> {
    try {
      await callDependency("tasks_table", () =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tasksTable,
            Key: { task_id: taskId },
            UpdateExpression: "SET webhook = :record",
            ConditionExpression:
              "attribute_exists(task_id) AND (attribute_not_exists(webhook) OR webhook.event_id = :event OR webhook.event_created_at <= :created)",
            ExpressionAttributeValues: {
              ":record": record,
              ":event": record.event_id,
              ":created": record.event_created_at,
            },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
