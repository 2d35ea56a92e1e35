// The runtime inside a harness sandbox: what /var/runtime does for a nodejs22.x function.
// Plain JavaScript with no imports outside node:, so it needs nothing from the project.
//
// It follows AWS's runtime interface client (aws/aws-lambda-nodejs-runtime-interface-client,
// src/UserFunction.js, Runtime.js, InvokeContext.js, Errors.js): the handler string
// `<module>.<export>` is resolved in LAMBDA_TASK_ROOT, an extensionless or `.js` file is
// required (unless package.json says "type": "module"), then `.mjs` is imported and `.cjs`
// required; load failures go to /runtime/init/error as Runtime.UserCodeSyntaxError,
// Runtime.ImportModuleError or Runtime.HandlerNotFound; then each invocation is fetched from
// /runtime/invocation/next and answered on .../response or .../error. An uncaught exception
// or unhandled rejection fails the invocation and ends the process (exit 129 / 128).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve, basename } from "node:path";
import { pathToFileURL } from "node:url";
import http from "node:http";

const api = process.env.AWS_LAMBDA_RUNTIME_API;
const taskRoot = process.env.LAMBDA_TASK_ROOT;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const require = createRequire(join(taskRoot, "noop.js"));

function request(method, path, body, headers = {}) {
  return new Promise((resolvePromise, reject) => {
    const req = http.request(
      {
        host: api.split(":")[0],
        port: Number(api.split(":")[1]),
        method,
        path: `/2018-06-01${path}`,
        agent,
        headers: { "content-type": "application/json", ...headers },
      },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () =>
          resolvePromise({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

class RuntimeError extends Error {}
const runtimeError = (name) => {
  const type = class extends RuntimeError {};
  Object.defineProperty(type.prototype, "name", { value: `Runtime.${name}` });
  return type;
};
const ImportModuleError = runtimeError("ImportModuleError");
const HandlerNotFound = runtimeError("HandlerNotFound");
const MalformedHandlerName = runtimeError("MalformedHandlerName");
const UserCodeSyntaxError = runtimeError("UserCodeSyntaxError");

/** Errors.js toRapidResponse: name, message and stack lines. */
function toRapid(error) {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: String(error.stack ?? "").split("\n") };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

function typeModuleAbove(folder) {
  for (let dir = folder; ; dir = dirname(dir)) {
    if (dir.endsWith("/node_modules")) return false;
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        return JSON.parse(readFileSync(manifest, "utf8")).type === "module";
      } catch {
        return false;
      }
    }
    if (dir === dirname(dir)) return false;
  }
}

async function loadModule(path) {
  if (existsSync(path)) return require(path);
  const typeModule = existsSync(`${path}.js`) && typeModuleAbove(dirname(`${path}.js`));
  if (!typeModule && existsSync(`${path}.js`)) return require(`${path}.js`);
  if (typeModule && existsSync(`${path}.js`)) return import(pathToFileURL(`${path}.js`).href);
  if (existsSync(`${path}.mjs`)) return import(pathToFileURL(`${path}.mjs`).href);
  if (existsSync(`${path}.cjs`)) return require(`${path}.cjs`);
  return require(require.resolve(basename(path), { paths: [taskRoot, dirname(path)] }));
}

async function loadHandler(fullHandler) {
  if (fullHandler.includes("..")) throw new MalformedHandlerName(`'${fullHandler}' is not a valid handler name.`);
  const moduleAndHandler = basename(fullHandler);
  const moduleRoot = fullHandler.slice(0, fullHandler.indexOf(moduleAndHandler));
  const match = /^([^.]*)\.(.*)$/.exec(moduleAndHandler);
  if (!match) throw new MalformedHandlerName("Bad handler");
  let loaded;
  try {
    loaded = await loadModule(resolve(taskRoot, moduleRoot, match[1]));
  } catch (error) {
    if (error instanceof SyntaxError)
      throw Object.assign(new UserCodeSyntaxError(`${error.name}: ${error.message}`), { stack: error.stack });
    if (error?.code === "MODULE_NOT_FOUND" || error?.code === "ERR_MODULE_NOT_FOUND")
      throw Object.assign(new ImportModuleError(`${error.name}: ${error.message}`), { stack: error.stack });
    throw error;
  }
  const fn = match[2].split(".").reduce((object, key) => object?.[key], loaded);
  if (!fn) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof fn !== "function") throw new HandlerNotFound(`${fullHandler} is not a function`);
  return fn;
}

globalThis.awslambda = { streamifyResponse: (handler) => handler };

let handler;
try {
  handler = await loadHandler(process.env._HANDLER);
} catch (error) {
  console.error(JSON.stringify({ level: "ERROR", message: "Init Error", ...toRapid(error) }));
  const rapid = toRapid(error);
  await request("POST", "/runtime/init/error", JSON.stringify(rapid), {
    "lambda-runtime-function-error-type": rapid.errorType,
  });
  process.exit(1);
}

let current;
const failAndExit = (code) => async (error) => {
  console.error(
    JSON.stringify({
      level: "ERROR",
      message: code === 129 ? "Uncaught Exception" : "Unhandled Promise Rejection",
      ...toRapid(error),
    }),
  );
  if (current !== undefined) {
    const rapid = toRapid(error);
    await request("POST", `/runtime/invocation/${current}/error`, JSON.stringify(rapid), {
      "lambda-runtime-function-error-type": rapid.errorType,
    }).catch(() => undefined);
  }
  process.exit(code);
};
process.on("uncaughtException", failAndExit(129));
process.on("unhandledRejection", failAndExit(128));

for (;;) {
  const next = await request("GET", "/runtime/invocation/next");
  const requestId = next.headers["lambda-runtime-aws-request-id"];
  const deadline = Number(next.headers["lambda-runtime-deadline-ms"]);
  current = requestId;
  if (next.headers["lambda-runtime-trace-id"]) process.env._X_AMZN_TRACE_ID = next.headers["lambda-runtime-trace-id"];
  // InvokeContext.attachEnvironmentData
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    invokedFunctionArn: next.headers["lambda-runtime-invoked-function-arn"],
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  let outcome;
  try {
    const result = await new Promise((resolvePromise, reject) => {
      const callback = (error, value) => (error ? reject(error) : resolvePromise(value));
      const returned = handler(JSON.parse(next.body), context, callback);
      if (returned && typeof returned.then === "function") returned.then(resolvePromise, reject);
    });
    outcome = { path: "response", body: JSON.stringify(result ?? null), headers: {} };
  } catch (error) {
    const rapid = toRapid(error);
    console.error(JSON.stringify({ level: "ERROR", message: "Invoke Error", ...rapid }));
    outcome = {
      path: "error",
      body: JSON.stringify(rapid),
      headers: { "lambda-runtime-function-error-type": rapid.errorType },
    };
  }
  current = undefined;
  await request("POST", `/runtime/invocation/${requestId}/${outcome.path}`, outcome.body, outcome.headers);
}
