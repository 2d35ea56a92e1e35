/**
 * #/accounts — stored accounts of the media platforms: list, add (cookies go to the API and
 * are never shown again: the API returns only a fingerprint and a count), re-activate, delete.
 */
import { ACCOUNT_PLATFORMS } from "../../../core/accounts/model.js";
import { accountsApi, type Account } from "../api.js";
import { formatTime, h, replaceChildren } from "../dom.js";
import { platformLabel } from "../../../core/platforms/registry.js";
import { errorMessage, notice, statusBadge, type PageView } from "../ui.js";

export const accountsPage: PageView = (root) => {
  const problem = notice();
  const rows = h("tbody");
  const formProblem = notice();
  const platform = h(
    "select",
    { id: "account-platform", name: "platform" },
    ...ACCOUNT_PLATFORMS.map((p) => h("option", { value: p }, platformLabel(p))),
  );
  const note = h("input", {
    id: "account-note",
    name: "note",
    type: "text",
    maxlength: 200,
    placeholder: "e.g. main account",
  });
  const cookies = h("textarea", {
    id: "account-cookies",
    name: "cookies",
    rows: 4,
    autocomplete: "off",
    spellcheck: false,
    placeholder: 'a Cookie header ("a1=…; web_session=…") or the JSON array a cookie-export extension saves',
  });
  const add = h("button", { type: "submit" }, "Add account");
  const form = h(
    "form",
    { class: "account-form", onsubmit: (event: Event) => void onAdd(event) },
    h("h2", {}, "Add an account"),
    h(
      "div",
      { class: "fields" },
      h("div", { class: "field" }, h("label", { for: "account-platform" }, "platform"), platform),
      h("div", { class: "field" }, h("label", { for: "account-note" }, "label (note)"), note),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "account-cookies" }, "cookies"),
      cookies,
      h("small", { class: "hint" }, "Stored encrypted; no page or API answer shows them again."),
    ),
    formProblem.element,
    h("div", { class: "actions" }, add),
  );

  replaceChildren(
    root,
    h("div", { class: "page-head" }, h("h1", {}, "Accounts")),
    problem.element,
    h(
      "table",
      { class: "accounts" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Platform", "Label", "Status", "Cookies", "Used", "Last used", "Added", ""].map((t) => h("th", {}, t)),
        ),
      ),
      rows,
    ),
    form,
  );

  async function refresh(): Promise<void> {
    try {
      const { items } = await accountsApi.list();
      replaceChildren(
        rows,
        ...(items.length === 0
          ? [h("tr", {}, h("td", { colspan: 8, class: "empty" }, "No accounts stored."))]
          : items.map(accountRow)),
      );
      problem.clear();
    } catch (error) {
      problem.show(errorMessage(error));
    }
  }

  function accountRow(account: Account): HTMLTableRowElement {
    const remove = h("button", { type: "button", class: "danger small", "data-action": "delete" }, "Delete");
    // Two clicks, no modal dialog: the first arms the button, the second deletes.
    remove.addEventListener("click", () => {
      if (remove.dataset.armed !== "1") {
        remove.dataset.armed = "1";
        remove.textContent = "Confirm delete";
        return;
      }
      remove.disabled = true;
      accountsApi.remove(account.account_id).then(refresh, (error: unknown) => problem.show(errorMessage(error)));
    });
    const activate =
      account.status === "active"
        ? null
        : h(
            "button",
            {
              type: "button",
              class: "small",
              onclick: () =>
                void accountsApi
                  .activate(account.account_id)
                  .then(refresh, (error: unknown) => problem.show(errorMessage(error))),
            },
            "Activate",
          );
    return h(
      "tr",
      { "data-account-id": account.account_id },
      h("td", {}, platformLabel(account.platform)),
      h("td", {}, account.note ?? ""),
      h("td", { title: account.status_reason ?? null }, statusBadge(account.status)),
      h(
        "td",
        { class: "mono", title: "fingerprint of the cookies (not the cookies)" },
        `${account.cookie_count} · ${account.fingerprint}`,
      ),
      h("td", { class: "num" }, account.use_count),
      h("td", { class: "nowrap" }, formatTime(account.last_used_at)),
      h("td", { class: "nowrap" }, formatTime(account.created_at)),
      h("td", { class: "row-actions" }, activate, remove),
    );
  }

  async function onAdd(event: Event): Promise<void> {
    event.preventDefault();
    formProblem.clear();
    if (cookies.value.trim() === "") {
      formProblem.show("cookies: is required");
      return;
    }
    add.disabled = true;
    try {
      await accountsApi.create({
        platform: platform.value,
        cookies: cookies.value,
        ...(note.value.trim() ? { note: note.value.trim() } : {}),
      });
      cookies.value = "";
      note.value = "";
      await refresh();
    } catch (error) {
      formProblem.show(errorMessage(error));
    } finally {
      add.disabled = false;
    }
  }

  void refresh();
};
