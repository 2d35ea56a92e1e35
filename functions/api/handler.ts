import middy from "@middy/core";
import httpHeaderNormalizer from "@middy/http-header-normalizer";
import httpRouterHandler from "@middy/http-router";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { defaultTaskService, type TaskService } from "../../core/tasks/index.js";
import { createLogger } from "../shared/logger.js";
import { envelope, type HttpResponse } from "./http.js";
import { envelopeErrors } from "./middleware/envelopeErrors.js";
import { jsonBody } from "./middleware/jsonBody.js";
import { taskRoutes } from "./routes.js";

const logger = createLogger("crawl-api");

// Built on first use and kept for warm invocations.
let service: TaskService | undefined;
const taskService = () => (service ??= defaultTaskService());

const router = httpRouterHandler<APIGatewayProxyEventV2, HttpResponse>({
  routes: taskRoutes(taskService),
  notFoundResponse: ({ method, path }) => envelope(404, `no route for ${method} ${path}`, null),
});

/** API Gateway HTTP API (payload 2.0) → the task routes. */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>()
  .use(injectLambdaContext(logger))
  .use(httpHeaderNormalizer())
  .use(envelopeErrors({ logger }))
  .use(jsonBody())
  .handler(router);
