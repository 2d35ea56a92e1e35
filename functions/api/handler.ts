import middy from "@middy/core";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import httpRouterHandler from "@middy/http-router";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { buildDependencies } from "../../core/wiring/dependencies.js";
import { accountParts } from "../../core/wiring/accounts.js";
import { taskParts, taskServiceParts } from "../../core/wiring/tasks.js";
import { createLogger } from "../shared/logger.js";
import { envelope, type HttpResponse } from "./http.js";
import { apiKey } from "./middleware/apiKey.js";
import { envelopeErrors } from "./middleware/envelopeErrors.js";
import { headAsGet } from "./middleware/headAsGet.js";
import { jsonBody } from "./middleware/jsonBody.js";
import { accountHandlers, apiRoutes, docHandlers, taskHandlers } from "./routes.js";

const logger = createLogger("crawl-api");
const dependencies = buildDependencies({ ...taskParts, ...taskServiceParts, ...accountParts });

const router = httpRouterHandler<APIGatewayProxyEventV2, HttpResponse>({
  routes: apiRoutes({
    ...taskHandlers(() => dependencies.taskService),
    ...accountHandlers(() => dependencies.accountService),
    ...docHandlers(),
  }),
  // The path is echoed cut to 200 characters: a response never grows with what the caller sent.
  notFoundResponse: ({ method, path }) =>
    envelope(404, `no route for ${method.slice(0, 16)} ${path.length > 200 ? `${path.slice(0, 200)}…` : path}`, {
      error: "ROUTE_NOT_FOUND",
    }),
});

/**
 * API Gateway HTTP API (payload 2.0) → the task routes.
 *
 * Order of the checks: the API key (401) comes before the body checks (413, 415, 400), so an
 * unauthenticated caller is refused after hashing one header, its body never decoded or
 * parsed, and learns nothing about the API's limits. Only API Gateway's own payload limit
 * (10 MiB, or the one-machine gateway's) comes earlier: such a request never reaches here.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
  .use(injectLambdaContext(logger))
  .use(httpHeaderNormalizer())
  .use(headAsGet())
  .use(envelopeErrors({ logger }))
  .use(apiKey())
  .use(jsonBody())
  .handler(router);
