export { TaskService, type TaskServiceDeps, type TaskServiceOptions, type ResultsQuery } from "./service.js";
export { DynamoTaskStore, type TaskStore, type TaskRef, type Page, type ListTasksQuery } from "./store.js";
export { TASK_STATUSES, canTransition, isTerminal, statusesAllowing, type TaskStatus } from "./status.js";
export { toPublicTask, type PublicTask, type Task, type TaskProgress } from "./model.js";
export { TaskMaintenance, type TaskMaintenanceDeps } from "./maintenance.js";
export {
  MAX_HUNG_WORKERS,
  WORKER_HUNG,
  failForHungWorkers,
  hungWorkerVerdict,
  type HungWorkerVerdict,
} from "./hung.js";
