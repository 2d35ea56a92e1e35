/**
 * #/accounts — stored accounts of the media platforms: list, add (cookies go to the API and
 * are never shown again: the API returns only a fingerprint and a count), sign in by QR code
 * (a new account, or an expired one again), re-activate, delete.
 */
import { ACCOUNT_PLATFORMS } from "../../../core/accounts/model.js";
import { accountsApi, type Account, type LoginSession } from "../api.js";
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

  const login = qrLoginPanel(() => void refresh());

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
    login.element,
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
    const signInAgain =
      account.status === "expired"
        ? h(
            "button",
            {
              type: "button",
              class: "small",
              "data-action": "relogin",
              onclick: () => login.start(account.platform, account.account_id),
            },
            "Sign in again",
          )
        : null;
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
      h("td", { class: "row-actions" }, signInAgain, activate, remove),
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
  return login.stop;
};

const LOGIN_POLL_MS = 1000;
const LOGIN_STATE_TEXT: Record<LoginSession["state"], string> = {
  waiting: "Scan the QR code with the platform's app.",
  scanned: "Scanned: confirm the login on the phone.",
  done: "Signed in.",
  expired: "The QR code expired: start again for a new one.",
  refused: "The login was declined on the phone.",
  failed: "The login failed.",
};

/**
 * "Sign in by QR code": starts a session, shows the QR code the crawler captured and the
 * session's state, polling until it ends; `onDone` refreshes the list. `stop` ends the polling
 * when the page is left.
 */
function qrLoginPanel(onDone: () => void) {
  const problem = notice();
  const platform = h(
    "select",
    { id: "login-platform", name: "platform" },
    ...ACCOUNT_PLATFORMS.map((p) => h("option", { value: p }, platformLabel(p))),
  );
  const button = h("button", { type: "button", id: "login-start" }, "Sign in by QR code");
  const image = h("img", { id: "login-qr", alt: "QR code to scan", hidden: true, width: 200, height: 200 });
  const state = h("p", { id: "login-state", "aria-live": "polite" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current = 0;

  const stop = () => {
    current += 1;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  function show(session: LoginSession): void {
    state.dataset.state = session.state;
    const accountText = session.state === "done" && session.account_id ? ` Account ${session.account_id}.` : "";
    state.textContent = `${LOGIN_STATE_TEXT[session.state]}${accountText}${session.reason && session.state !== "done" ? ` (${session.reason})` : ""}`;
    if (session.qr_image !== undefined && session.state !== "done") {
      image.src = session.qr_image;
      image.hidden = false;
    } else if (session.state !== "waiting" && session.state !== "scanned") image.hidden = true;
  }

  async function start(name: string, accountId?: string): Promise<void> {
    stop();
    const run = current;
    problem.clear();
    image.hidden = true;
    button.disabled = true;
    try {
      let session = await accountsApi.login({ platform: name, ...(accountId ? { account_id: accountId } : {}) });
      state.textContent = "Opening the login page…";
      for (;;) {
        if (run !== current) return;
        if (session.qr_image !== undefined || session.state !== "waiting") show(session);
        if (session.state !== "waiting" && session.state !== "scanned") {
          if (session.state === "done") onDone();
          return;
        }
        await new Promise<void>((resolve) => {
          timer = setTimeout(resolve, LOGIN_POLL_MS);
        });
        if (run !== current) return;
        session = await accountsApi.loginSession(session.session_id);
      }
    } catch (error) {
      problem.show(errorMessage(error));
    } finally {
      if (run === current) button.disabled = false;
    }
  }

  button.addEventListener("click", () => void start(platform.value));
  const element = h(
    "section",
    { class: "account-form qr-login" },
    h("h2", {}, "Sign in by QR code"),
    h(
      "div",
      { class: "fields" },
      h("div", { class: "field" }, h("label", { for: "login-platform" }, "platform"), platform),
    ),
    h(
      "small",
      { class: "hint" },
      "The crawler opens the platform's login page; scan its QR code with the app and confirm there. The cookies are stored as a new account.",
    ),
    problem.element,
    h("div", { class: "actions" }, button),
    image,
    state,
  );
  return { element, start: (name: string, accountId?: string) => void start(name, accountId), stop };
}
