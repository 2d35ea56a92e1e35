/**
 * The `webhook_url` task field's schema. Browser-safe (zod and core/validation.ts only): the
 * create-task schema (core/tasks/schema.ts) is shared with the dashboard. The address check,
 * which needs Node, is targetUrl.ts.
 */
import { httpUrl } from "../validation.js";

/** An http(s) URL of at most 2048 characters without credentials: it is shown back in GET, and X-Signature authenticates deliveries. */
export const webhookUrlField = httpUrl.refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.username === "" && url.password === "";
    } catch {
      return true; // httpUrl has said so already
    }
  },
  { error: "must not contain a user name or password (deliveries are authenticated by their X-Signature header)" },
);
