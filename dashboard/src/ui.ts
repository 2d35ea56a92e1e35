/** Small pieces several pages share. */
import type { Task } from "./api.js";
import { h } from "./dom.js";

/** A page: renders into `root`, returns what to do when the user leaves it (stop polling). */
export type PageView = (root: HTMLElement, params: readonly string[]) => (() => void) | void;

export function statusBadge(status: string): HTMLSpanElement {
  return h("span", { class: `status status-${status}`, "data-status": status }, status);
}

/** A message area: empty until `show` is called. */
export function notice(kind: "error" | "info" = "error") {
  const element = h("p", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status", hidden: true });
  return {
    element,
    show(message: string) {
      element.textContent = message;
      element.hidden = false;
    },
    clear() {
      element.textContent = "";
      element.hidden = true;
    },
  };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const isFinished = (task: Pick<Task, "status">) => ["completed", "failed", "cancelled"].includes(task.status);
