export {
  WEBHOOK_EVENT_TYPES,
  MAX_EVENT_BYTES,
  serializeEvent,
  taskEndedEvent,
  lostEventAttempt,
  type WebhookEvent,
  type WebhookEventType,
} from "./events.js";
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
