/**
 * #/new — the create-task form. Fields come from the platform's schema; the body is checked
 * with the API's own validation before it is sent, so the same field-named messages show
 * next to the fields. If the API still refuses (a check only it can make), its message shows.
 */
import type { PlatformName } from "../../../core/platforms/types.js";
import { ApiError, schedulesApi, tasksApi } from "../api.js";
import { h, replaceChildren } from "../dom.js";
import { platformLabel } from "../../../core/platforms/registry.js";
import {
  bodyFromInputs,
  commonFields,
  FieldInputError,
  formPlatforms,
  platformFields,
  validateTaskBody,
  type TaskField,
} from "../taskFields.js";
import { errorMessage, notice, type PageView } from "../ui.js";

/** The element holding a field's value, by field name. */
type Controls = Map<string, { field: TaskField; read: () => string | boolean | string[]; error: HTMLElement }>;

export const newTaskPage: PageView = (root) => {
  const platforms = formPlatforms();
  const requested = new URLSearchParams(location.hash.split("?")[1] ?? "").get("platform");
  let platform: PlatformName = platforms.find((p) => p === requested) ?? platforms[0]!;

  const problem = notice();
  const platformSelect = h(
    "select",
    { name: "platform", id: "field-platform", onchange: () => switchPlatform(platformSelect.value as PlatformName) },
    ...platforms.map((p) => h("option", { value: p, selected: p === platform }, platformLabel(p))),
  );
  const platformSection = h("div", { class: "fields" });
  const commonSection = h("div", { class: "fields" });
  const submit = h("button", { type: "submit" }, "Create task");
  // Repeat: a schedule (docs/schedules.md) whose runs create this task; empty creates it once.
  const repeat = h("input", {
    id: "field-schedule_expression",
    name: "schedule_expression",
    type: "text",
    placeholder: "cron(0 8 * * ? *) or rate(1 day); empty: run once",
  });
  const timezone = h("input", { id: "field-timezone", name: "timezone", type: "text", placeholder: "UTC" });
  const repeatError = h("small", { class: "field-error" });
  repeat.addEventListener("input", () => {
    submit.textContent = repeat.value.trim() === "" ? "Create task" : "Create schedule";
  });
  const form = h(
    "form",
    { class: "task-form", novalidate: true, onsubmit: (event: Event) => void onSubmit(event) },
    h(
      "div",
      { class: "fields" },
      h("div", { class: "field" }, h("label", { for: "field-platform" }, "platform"), platformSelect),
    ),
    platformSection,
    h("details", { class: "advanced" }, h("summary", {}, "Every platform: attempts and time limit"), commonSection),
    h(
      "details",
      { class: "advanced" },
      h("summary", {}, "Repeat on a schedule"),
      h(
        "div",
        { class: "fields" },
        h(
          "div",
          { class: "field" },
          h("label", { for: "field-schedule_expression" }, "schedule_expression"),
          repeat,
          repeatError,
        ),
        h("div", { class: "field" }, h("label", { for: "field-timezone" }, "timezone"), timezone),
      ),
    ),
    problem.element,
    h("div", { class: "actions" }, submit),
  );
  replaceChildren(root, h("div", { class: "page-head" }, h("h1", {}, "New task")), form);

  let controls: Controls = new Map();
  const common = commonFields();
  function switchPlatform(next: PlatformName): void {
    platform = next;
    controls = new Map();
    replaceChildren(platformSection, ...platformFields(platform).map((field) => fieldControl(field, controls)));
    replaceChildren(commonSection, ...common.map((field) => fieldControl(field, controls)));
    problem.clear();
  }
  switchPlatform(platform);

  function showIssues(issues: ReadonlyArray<{ field: string; message: string }>): void {
    for (const { error } of controls.values()) error.textContent = "";
    const unplaced: string[] = [];
    for (const issue of issues) {
      // "urls.0" and "selectors.title" belong to the urls / selectors field.
      const control = controls.get(issue.field.split(".")[0] ?? "");
      if (control && control.error.textContent === "") control.error.textContent = issue.message;
      else if (!control) unplaced.push(issue.message);
    }
    if (unplaced.length > 0) problem.show(unplaced.join("\n"));
    form
      .querySelector<HTMLElement>(".field-error:not(:empty)")
      ?.closest(".field")
      ?.querySelector<HTMLElement>("input, select, textarea")
      ?.focus();
  }

  async function onSubmit(event: Event): Promise<void> {
    event.preventDefault();
    problem.clear();
    let body: Record<string, unknown>;
    try {
      body = bodyFromInputs(
        platform,
        [...controls.values()].map((c) => c.field),
        (field) => controls.get(field.name)!.read(),
      );
    } catch (error) {
      if (!(error instanceof FieldInputError)) throw error;
      showIssues([{ field: error.field, message: error.message }]);
      return;
    }
    const issues = validateTaskBody(body);
    showIssues(issues);
    if (issues.length > 0) return;
    submit.disabled = true;
    repeatError.textContent = "";
    try {
      if (repeat.value.trim() !== "") {
        await schedulesApi.create({
          schedule_expression: repeat.value.trim(),
          ...(timezone.value.trim() === "" ? {} : { timezone: timezone.value.trim() }),
          task: body,
        });
        location.hash = "#/schedules";
        return;
      }
      const task = await tasksApi.create(body);
      location.hash = `#/tasks/${task.task_id}`;
    } catch (error) {
      // A schedule's refusals name schedule_expression or timezone, or the template's field as "task.<field>".
      if (
        error instanceof ApiError &&
        error.problems.some((p) => p.field === "schedule_expression" || p.field === "timezone")
      ) {
        repeatError.textContent = error.problems.map((p) => p.message).join("\n");
        return;
      }
      if (error instanceof ApiError && error.problems.some((p) => p.field.startsWith("task."))) {
        showIssues(error.problems.map((p) => ({ field: p.field.replace(/^task\./, ""), message: p.message })));
        return;
      }
      // A 400 lists every refused field: each is shown at its field, the rest above the form.
      if (error instanceof ApiError && error.problems.length > 0) showIssues(error.problems);
      else problem.show(`The API refused the task: ${errorMessage(error)}`);
    } finally {
      submit.disabled = false;
    }
  }
};

/** One labelled control for a schema field, registered in `controls`. */
function fieldControl(field: TaskField, controls: Controls): HTMLElement {
  const id = `field-${field.name}`;
  const error = h("div", {
    class: "field-error",
    id: `${id}-error`,
    "data-error-for": field.name,
    "aria-live": "polite",
  });
  const described = { "aria-describedby": `${id}-error` };
  const placeholder =
    field.defaultValue === undefined
      ? undefined
      : `default: ${Array.isArray(field.defaultValue) ? field.defaultValue.join(", ") || "none" : String(field.defaultValue)}`;
  let control: HTMLElement;
  let read: () => string | boolean | string[];
  const type = field.type;
  switch (type.kind) {
    case "select": {
      const select = h(
        "select",
        { id, name: field.name, ...described },
        field.optional && field.defaultValue === undefined ? h("option", { value: "" }, "—") : null,
        ...type.options.map((option) =>
          h("option", { value: option, selected: option === field.defaultValue }, option),
        ),
      );
      control = select;
      read = () => select.value;
      break;
    }
    case "number": {
      const input = h("input", {
        id,
        name: field.name,
        type: "number",
        step: 1,
        min: type.min,
        max: type.max,
        placeholder,
        ...described,
      });
      control = input;
      read = () => input.value;
      break;
    }
    case "checkbox": {
      const input = h("input", {
        id,
        name: field.name,
        type: "checkbox",
        checked: field.defaultValue === true,
        ...described,
      });
      control = input;
      read = () => input.checked;
      break;
    }
    case "choices": {
      const chosen = new Set((field.defaultValue as string[] | undefined) ?? []);
      const boxes = type.options.map((option) =>
        h("input", { type: "checkbox", name: field.name, value: option, checked: chosen.has(option) }),
      );
      control = h(
        "div",
        { class: "choices", id, ...described },
        ...boxes.map((box) => h("label", {}, box, ` ${box.value}`)),
      );
      read = () => boxes.filter((box) => box.checked).map((box) => box.value);
      break;
    }
    case "lines":
    case "json": {
      const area = h("textarea", {
        id,
        name: field.name,
        rows: field.name === "urls" ? 3 : 2,
        placeholder: type.kind === "json" ? "{}" : placeholder,
        ...described,
      });
      control = area;
      read = () => area.value;
      break;
    }
    default: {
      const input = h("input", { id, name: field.name, type: "text", placeholder, ...described });
      control = input;
      read = () => input.value;
    }
  }
  controls.set(field.name, { field, read, error });
  const required = !field.optional ? h("span", { class: "required", title: "required" }, " *") : null;
  return h(
    "div",
    { class: `field field-${type.kind}`, "data-field": field.name },
    h("label", { for: id }, field.name, required),
    control,
    field.hint ? h("small", { class: "hint" }, field.hint) : null,
    error,
  );
}
