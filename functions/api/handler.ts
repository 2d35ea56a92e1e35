import middy from "@middy/core";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import httpRouterHandler from "@middy/http-router";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { buildDependencies } from "../../core/wiring/dependencies.js";
import { accountParts, loginServiceParts } from "../../core/wiring/accounts.js";
import { scheduleParts } from "../../core/wiring/schedules.js";
import { mediaParts } from "../../core/wiring/media.js";
import { taskParts, taskServiceParts } from "../../core/wiring/tasks.js";
import { createLogger } from "../shared/logger.js";
import type { HttpResponse } from "./http.js";
import { apiKey } from "./middleware/apiKey.js";
import { API_TIME_RESERVE_MS, ApiTimeoutError, envelopeErrors } from "./middleware/envelopeErrors.js";
import { headAsGet } from "./middleware/headAsGet.js";
import { jsonBody } from "./middleware/jsonBody.js";
import { rateLimit } from "./middleware/rateLimit.js";
import { routedOnly, unroutedResponse } from "./middleware/routedOnly.js";
import { accountHandlers, apiRoutes, docHandlers, loginHandlers, scheduleHandlers, taskHandlers } from "./routes.js";

const logger = createLogger("crawl-api");
const dependencies = buildDependencies({
  ...taskParts,
  ...taskServiceParts,
  ...accountParts,
  ...loginServiceParts,
  ...scheduleParts,
  ...mediaParts,
});

const createLimit = rateLimit({ limiter: () => dependencies.createRateLimiter, logger });

const router = httpRouterHandler<APIGatewayProxyEventV2, HttpResponse>({
  routes: apiRoutes({
    ...taskHandlers(
      () => dependencies.taskService,
      () => dependencies.scrapeService,
    ),
    ...accountHandlers(() => dependencies.accountService),
    ...loginHandlers(() => dependencies.loginService),
    ...scheduleHandlers(() => dependencies.scheduleService),
    ...docHandlers(),
  }),
  // routedOnly answers unrouted requests first; this is for a router that disagrees with the table.
  notFoundResponse: ({ method, path }) => unroutedResponse(method, path),
});

/**
 * API Gateway HTTP API (payload 2.0) → the task routes.
 *
 * Order of the checks: the API key (401), then the route (404, 405 with Allow), then the body
 * checks (413, 415), then the caller's task-creation budget on the routes that create tasks
 * (429 RATE_LIMITED; RateLimit headers on all their answers), then the route's own (400).
 * The key comes first so an unauthenticated caller is refused after hashing one header, its
 * body never decoded or parsed, and learns nothing about the API's limits. Only API Gateway's own payload limit
 * (10 MiB, or the one-machine gateway's) comes earlier: such a request never reaches here.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>({
  // Our own 504 in the envelope a second before Lambda's timeout, rather than API Gateway's
  // bare 503 after it: the one catch an HTTP API allows (docs/limits.md).
  timeoutEarlyInMillis: API_TIME_RESERVE_MS,
  timeoutEarlyResponse: () => {
    throw new ApiTimeoutError();
  },
})
  .use(injectLambdaContext(logger))
  .use(httpHeaderNormalizer())
  .use(headAsGet())
  .use(createLimit.headers)
  .use(envelopeErrors({ logger }))
  .use(apiKey())
  .use(routedOnly())
  .use(jsonBody())
  .use(createLimit.count)
  .handler(router);
