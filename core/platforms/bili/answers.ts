import { NonRetryableCrawlError, RetryableCrawlError } from "../../errors.js";
import type { CapturedResponse } from "../media/types.js";
import type { BiliEnvelope } from "./shapes.js";

/**
 * Reading B站's `{code, message, data}` envelope once it passed classify.ts (so it is no
 * access problem): what to retry, what to skip, what to fail loudly on.
 */

/** B站's own "try again later" codes: 服务器错误, 服务暂不可用, 服务调用超时. */
const SERVER_ERRORS = new Set([-500, -503, -504]);

/** The JSON of an answer; a body that is not JSON (a 5xx page, a cut connection) is worth another try. */
export function readable<T>(answer: CapturedResponse<BiliEnvelope<T>>): BiliEnvelope<T> {
  if (answer.json !== undefined) return answer.json;
  throw new RetryableCrawlError("UNREADABLE_RESPONSE", `bili: ${answer.url.pathname} answered HTTP ${answer.status} without JSON`);
}

/**
 * `data` of a list answer (search page, space page). Access codes never get here (classify.ts);
 * server errors are retried; any other code means the site changed under us (e.g. -403
 * when its signature check no longer passes) and fails the task loudly instead of ending
 * the list as if it were empty.
 */
export function listData<T>(answer: CapturedResponse<BiliEnvelope<T>>, what: string): T {
  const body = readable(answer);
  if (body.code === 0 && body.data !== undefined) return body.data;
  const message = `bili: ${what} (${answer.url.pathname}) answered code ${body.code} (${body.message})`;
  if (SERVER_ERRORS.has(body.code)) throw new RetryableCrawlError("PLATFORM_BUSY", message);
  throw new NonRetryableCrawlError("PLATFORM_ERROR", message);
}
