export {
  DEFAULT_WEBHOOK_EVENTS,
  TASK_ENDED_EVENT_TYPES,
  WEBHOOK_EVENT_TYPES,
  MAX_EVENT_BYTES,
  MAX_PAGE_ITEMS_BYTES,
  serializeEvent,
  taskEndedEvent,
  taskPageEvent,
  taskStartedEvent,
  lostEventAttempt,
  wantsEvent,
  type PageBatch,
  type PageEventItem,
  type TaskPageEvent,
  type TaskSnapshotEvent,
  type WebhookEvent,
  type WebhookEventType,
} from "./events.js";
export { PageEventBatcher, PAGE_EVENT_DEFAULTS, type PageEventOptions } from "./pageEvents.js";
export {
  REPLAY_WINDOW_SECS,
  SIGNATURE_HEADER,
  signBody,
  signTimestamped,
  TIMESTAMPED_SIGNATURE_HEADER,
  verifySignature,
  verifyTimestamped,
} from "./signature.js";
export { webhookAddressProblem } from "./targetUrl.js";
export { webhookUrlField } from "./urlField.js";
export {
  MAX_DELAY_SECS,
  SqsWebhookQueue,
  parseWebhookMessage,
  type WebhookMessage,
  type WebhookQueue,
} from "./queue.js";
export { QueueWebhookNotifier, type WebhookLog, type WebhookNotifier } from "./notifier.js";
export { deliverWebhook, type DeliveryOptions, type DeliveryResult } from "./delivery.js";
export { DynamoWebhookRecords, type WebhookRecords } from "./record.js";
export {
  dispatchWebhook,
  retryDelaySecs,
  type DispatchDeps,
  type DispatchOptions,
  type DispatchOutcome,
} from "./dispatch.js";
