/** The dashboard: hash routes (#/tasks, #/tasks/<id>, #/new, #/accounts, #/schedules), one page at a time. */
import "./style.css";
import * as z from "zod";
import { getApiKey, setApiKey } from "./api.js";
import { accountsPage } from "./pages/accounts.js";
import { newTaskPage } from "./pages/newTask.js";
import { schedulesPage } from "./pages/schedules.js";
import { taskPage } from "./pages/task.js";
import { tasksPage } from "./pages/tasks.js";
import type { PageView } from "./ui.js";

// No eval: the stack's Content-Security-Policy forbids it, and zod only uses it to go faster.
z.config({ jitless: true });

const routes: Array<{ pattern: RegExp; nav: string; view: PageView }> = [
  { pattern: /^#\/tasks\/([0-9A-Za-z]+)$/, nav: "tasks", view: taskPage },
  { pattern: /^#\/tasks$/, nav: "tasks", view: tasksPage },
  { pattern: /^#\/new$/, nav: "new", view: newTaskPage },
  { pattern: /^#\/accounts$/, nav: "accounts", view: accountsPage },
  { pattern: /^#\/schedules$/, nav: "schedules", view: schedulesPage },
];

const app = document.getElementById("app")!;
let leave: (() => void) | void;

function route(): void {
  const path = location.hash.split("?")[0] ?? "";
  const match = routes.map((r) => ({ r, m: r.pattern.exec(path) })).find(({ m }) => m !== null);
  if (!match) {
    location.replace("#/tasks");
    return;
  }
  leave?.();
  for (const link of document.querySelectorAll<HTMLAnchorElement>("[data-nav]"))
    link.classList.toggle("active", link.dataset.nav === match.r.nav);
  leave = match.r.view(app, match.m!.slice(1));
}

const keyForm = document.getElementById("api-key-form") as HTMLFormElement;
const keyInput = document.getElementById("api-key") as HTMLInputElement;
keyInput.value = getApiKey();
keyForm.addEventListener("submit", (event) => {
  event.preventDefault();
  setApiKey(keyInput.value.trim());
  keyForm.closest("details")?.removeAttribute("open");
  route();
});

window.addEventListener("hashchange", route);
route();
