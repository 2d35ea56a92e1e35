export { runTask, type RunOutcome, type RunTaskDeps, type RunTaskOptions, type TaskBrowser } from "./runTask.js";
