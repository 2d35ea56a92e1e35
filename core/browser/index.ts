export { WarmBrowser, warmBrowserDefaults, type WarmBrowserOptions } from "./WarmBrowser.js";
export {
  launchChromium,
  launchDefaults,
  chromiumArgs,
  resolveExecutablePath,
  CHROMIUM_PATH_ENV,
  type LaunchChromiumOptions,
} from "./launch.js";
export { egressProxyOf } from "./egress.js";
export {
  openIncognitoContext,
  lendDefaultContext,
  taskContextIsolation,
  type TaskContextOptions,
  type TaskIsolation,
} from "./taskContext.js";
export { blockRequests, type BlockRules } from "./blocking.js";
