import middy from "@middy/core";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import httpRouterHandler from "@middy/http-router";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { defaultAccountService, type AccountService } from "../../core/accounts/index.js";
import { defaultTaskService, type TaskService } from "../../core/tasks/index.js";
import { createLogger } from "../shared/logger.js";
import { envelope, type HttpResponse } from "./http.js";
import { apiKey } from "./middleware/apiKey.js";
import { envelopeErrors } from "./middleware/envelopeErrors.js";
import { headAsGet } from "./middleware/headAsGet.js";
import { jsonBody } from "./middleware/jsonBody.js";
import { accountHandlers, apiRoutes, docHandlers, taskHandlers } from "./routes.js";

const logger = createLogger("crawl-api");

// Built on first use and kept for warm invocations.
let service: TaskService | undefined;
const taskService = () => (service ??= defaultTaskService());
let accounts: AccountService | undefined;
const accountService = () => (accounts ??= defaultAccountService());

const router = httpRouterHandler<APIGatewayProxyEventV2, HttpResponse>({
  routes: apiRoutes({ ...taskHandlers(taskService), ...accountHandlers(accountService), ...docHandlers() }),
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
