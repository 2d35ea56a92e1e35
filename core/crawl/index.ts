export {
  runTask,
  type RunOutcome,
  type RunTaskDeps,
  type RunTaskOptions,
  type TaskBrowser,
  type TaskClaim,
} from "./runTask.js";
export { DynamoCheckpointStore, type Checkpoint, type CheckpointStore } from "./checkpoints.js";
export { LeaseKeeper, type LeaseOptions } from "./lease.js";
