"""The crawl-tasks API over HTTP with the standard library only (urllib.request, json).

Envelopes (``{"code": 0, "message", "data"}``) are unwrapped; every failure is an ApiError or a
NetworkError with a one-line message. 429 (throttled) and 503 (a dependency did not answer) are
asked again after the answer's ``Retry-After``, or an exponential backoff without one.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import IO, Any, Callable, Dict, Iterator, Mapping, Optional, Tuple, Union

from .errors import ApiError, NetworkError, WaitTimeout
from .models import DeletedTask, FieldError, Page, ScrapeResult, Task

PathOrFile = Union[str, "os.PathLike[str]", IO[bytes]]

_CHUNK = 64 * 1024
_RESULTS_PAGE_MAX = 1000


class Client:
    """A client of one crawl-tasks API.

    >>> client = Client("http://127.0.0.1:8888")
    >>> task = client.create({"platform": "web", "crawler_type": "crawl", "urls": ["https://example.com/"]})
    >>> task = client.wait(task.task_id, timeout=600)
    >>> for item in client.iterate_results(task.task_id): print(item["url"])
    """

    def __init__(
        self,
        base_url: str,
        api_key: Optional[str] = None,
        timeout: float = 30.0,
        *,
        max_retries: int = 3,
        retry_base: float = 0.5,
        retry_max: float = 30.0,
    ) -> None:
        """``timeout``: seconds one request may wait for data (connect, headers, each chunk of a body).
        ``max_retries``: how often a 429 or 503 is asked again (a 503 to ``create`` only with an
        idempotency key: without one a retry could create a second task). ``retry_max``: the longest
        wait before a retry; a longer ``Retry-After`` is raised instead."""
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"base_url: must be an http or https URL like http://127.0.0.1:8888 (got {base_url!r})")
        # A stage path (https://host/prod) is kept: routes are appended to it.
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key or None
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_base = retry_base
        self.retry_max = retry_max

    # ---- tasks ----

    def create(self, body: Mapping[str, Any], *, idempotency_key: Optional[str] = None) -> Task:
        """POST /api/v1/tasks. With ``idempotency_key``, the same key within 24 hours answers the task
        it created the first time, and a 503 is safe to retry."""
        headers = {} if idempotency_key is None else {"Idempotency-Key": idempotency_key}
        _, _, data = self.request(
            "POST", "/api/v1/tasks", body=body, headers=headers, retry_503=idempotency_key is not None
        )
        return Task.from_dict(data)

    def get(self, task_id: str) -> Task:
        """GET /api/v1/tasks/{task_id}"""
        return Task.from_dict(self.request("GET", _task_path(task_id))[2])

    def list(
        self,
        *,
        status: Optional[str] = None,
        platform: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> Page[Task]:
        """GET /api/v1/tasks: one page, newest first."""
        query = {"status": status, "platform": platform, "limit": limit, "cursor": cursor}
        data = self.request("GET", "/api/v1/tasks", query=query)[2]
        return Page([Task.from_dict(item) for item in data["items"]], data["next_cursor"])

    def cancel(self, task_id: str) -> Task:
        """POST /api/v1/tasks/{task_id}/cancel (an ApiError 409 when the task already ended)."""
        return Task.from_dict(self.request("POST", _task_path(task_id) + "/cancel")[2])

    def retry(self, task_id: str) -> Task:
        """POST /api/v1/tasks/{task_id}/retry: a failed or cancelled task, queued again."""
        return Task.from_dict(self.request("POST", _task_path(task_id) + "/retry")[2])

    def delete(self, task_id: str) -> DeletedTask:
        """DELETE /api/v1/tasks/{task_id}: the task and its results (an ApiError 409 while it runs)."""
        return DeletedTask.from_dict(self.request("DELETE", _task_path(task_id))[2])

    def wait(
        self,
        task_id: str,
        timeout: Optional[float] = None,
        *,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
        on_progress: Optional[Callable[[Task], None]] = None,
    ) -> Task:
        """Polls until the task is completed, failed or cancelled and returns it (a failed task is
        returned too: look at ``status`` and ``error``). The wait between polls grows by half each
        time, up to ``max_poll_interval``. Throttling, 5xx and lost connections are ridden out until
        ``timeout`` (WaitTimeout; the task keeps running); an unreachable API on the first poll, a
        404 or a 401 are raised at once."""
        started = time.monotonic()
        interval = poll_interval
        task: Optional[Task] = None
        while True:
            try:
                task = self.get(task_id)
                if task.finished:
                    return task
                if on_progress is not None:
                    on_progress(task)
            except (ApiError, NetworkError) as error:
                if not error.transient or (task is None and isinstance(error, NetworkError)):
                    raise
            pause = interval
            if timeout is not None:
                left = timeout - (time.monotonic() - started)
                if left <= 0:
                    status = task.status if task is not None else "unknown"
                    raise WaitTimeout(
                        f"task {task_id} is still {status} after {round(time.monotonic() - started)} s; it keeps running",
                        task,
                    )
                pause = min(pause, left)
            time.sleep(pause)
            interval = min(interval * 1.5, max_poll_interval)

    # ---- results ----

    def results_page(self, task_id: str, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> Page[Dict[str, Any]]:
        """GET /api/v1/tasks/{task_id}/results: one page of result items (dicts), in item_key order."""
        query = {"format": "json", "limit": limit, "cursor": cursor}
        data = self.request("GET", _task_path(task_id) + "/results", query=query)[2]
        return Page(list(data["items"]), data["next_cursor"])

    def iterate_results(self, task_id: str, *, page_size: int = _RESULTS_PAGE_MAX) -> Iterator[Dict[str, Any]]:
        """Every result item of the task, following the cursor; one page in memory at a time."""
        cursor: Optional[str] = None
        while True:
            page = self.results_page(task_id, limit=page_size, cursor=cursor)
            yield from page.items
            cursor = page.next_cursor
            if not cursor:
                return

    def export(
        self,
        task_id: str,
        format: str,
        destination: PathOrFile,
        *,
        bom: bool = False,
        page_size: int = _RESULTS_PAGE_MAX,
    ) -> int:
        """Writes every result as one csv, jsonl or json file and returns the bytes written.

        csv and jsonl pages are streamed to the destination as they arrive (one header, a BOM only at
        the start when ``bom``); json is the items joined into one array. ``destination`` is a path
        (written beside as ``<path>.partial`` and renamed once complete, so a failed export never
        replaces a good file) or a binary file object."""
        if format not in ("csv", "jsonl", "json"):
            raise ValueError(f"format: must be csv, jsonl or json (got {format!r})")
        if isinstance(destination, (str, os.PathLike)):
            target = os.fspath(destination)
            partial = target + ".partial"
            try:
                with open(partial, "wb") as file:
                    written = self._export_to(task_id, format, file, bom, page_size)
                os.replace(partial, target)
            except BaseException:
                if os.path.exists(partial):
                    os.remove(partial)
                raise
            return written
        return self._export_to(task_id, format, destination, bom, page_size)

    def _export_to(self, task_id: str, format: str, file: IO[bytes], bom: bool, page_size: int) -> int:
        written = 0
        if format == "json":
            count = 0
            written += file.write(b"[")
            for item in self.iterate_results(task_id, page_size=page_size):
                line = ("\n" if count == 0 else ",\n") + json.dumps(item, ensure_ascii=False)
                written += file.write(line.encode("utf-8"))
                count += 1
            written += file.write(b"]\n" if count == 0 else b"\n]\n")
            return written
        cursor: Optional[str] = None
        while True:
            # The API adds the BOM to the first page only (the one without a cursor).
            query = {"format": format, "limit": page_size, "cursor": cursor, "bom": "1" if bom and not cursor else None}
            response = self._send("GET", _task_path(task_id) + "/results", query=query)
            with response:
                cursor = response.headers.get("x-next-cursor")
                while True:
                    chunk = self._read(response, _CHUNK)
                    if not chunk:
                        break
                    written += file.write(chunk)
            if not cursor:
                return written

    def scrape(self, body: Mapping[str, Any]) -> ScrapeResult:
        """POST /api/v1/scrape: a web task for up to 10 ``urls`` (the web page options and
        ``timeout_ms`` too), answered in one call. Not ended within the wait: ``ended`` is False;
        follow the task with :meth:`wait`, then :meth:`iterate_results`. A 503 is not retried: the
        task may have been stored already."""
        status, _, data = self.request("POST", "/api/v1/scrape", body=body, retry_503=False)
        return ScrapeResult(
            ended=status != 202,
            task=Task.from_dict(data["task"]),
            items=list(data.get("items") or []),
            poll=data.get("poll"),
        )

    # ---- sign in by QR code ----

    def start_account_login(self, platform: str, *, account_id: Optional[str] = None) -> Dict[str, Any]:
        """POST /api/v1/accounts/login: the crawler opens the platform's login page; poll
        :meth:`get_account_login` for ``qr_image`` and ``state`` until it is neither
        ``waiting`` nor ``scanned``. With ``account_id``, an expired account signs in again."""
        body: Dict[str, Any] = {"platform": platform}
        if account_id is not None:
            body["account_id"] = account_id
        return self.request("POST", "/api/v1/accounts/login", body=body, retry_503=False)[2]

    def get_account_login(self, session_id: str) -> Dict[str, Any]:
        """GET /api/v1/accounts/login/{session_id}"""
        return self.request("GET", "/api/v1/accounts/login/" + urllib.parse.quote(session_id, safe=""))[2]

    # ---- schedules ----

    def create_schedule(self, body: Mapping[str, Any]) -> Dict[str, Any]:
        """POST /api/v1/schedules: ``schedule_expression`` (``cron(…)`` or ``rate(…)``), ``task``
        (a create-task body), and optionally ``timezone``, ``name``, ``paused``, ``since_last_run``.
        A 503 is not retried: the schedule may have been created."""
        return self.request("POST", "/api/v1/schedules", body=body, retry_503=False)[2]

    def list_schedules(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> Page[Dict[str, Any]]:
        """GET /api/v1/schedules: one page, newest first."""
        data = self.request("GET", "/api/v1/schedules", query={"limit": limit, "cursor": cursor})[2]
        return Page(list(data["items"]), data["next_cursor"])

    def get_schedule(self, schedule_id: str) -> Dict[str, Any]:
        """GET /api/v1/schedules/{schedule_id}: with ``next_runs`` and ``recent_runs``."""
        return self.request("GET", _schedule_path(schedule_id))[2]

    def pause_schedule(self, schedule_id: str) -> Dict[str, Any]:
        """POST /api/v1/schedules/{schedule_id}/pause"""
        return self.request("POST", _schedule_path(schedule_id) + "/pause")[2]

    def resume_schedule(self, schedule_id: str) -> Dict[str, Any]:
        """POST /api/v1/schedules/{schedule_id}/resume: from now; missed runs are not made up."""
        return self.request("POST", _schedule_path(schedule_id) + "/resume")[2]

    def delete_schedule(self, schedule_id: str) -> Dict[str, Any]:
        """DELETE /api/v1/schedules/{schedule_id}: the tasks its runs made stay."""
        return self.request("DELETE", _schedule_path(schedule_id))[2]

    # ---- any route ----

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        headers: Optional[Mapping[str, str]] = None,
        retry_503: bool = True,
    ) -> Tuple[int, str, Any]:
        """A JSON route: (status, the envelope's message, its data); raises on any non-2xx answer."""
        response = self._send(method, path, query=query, body=body, headers=headers, retry_503=retry_503)
        with response:
            text = self._read(response).decode("utf-8", errors="replace")
        envelope = _parse_json(text)
        if not isinstance(envelope, dict) or "code" not in envelope or not isinstance(envelope.get("message"), str):
            raise ApiError(
                f"the answer from {self.base_url} is not the API's JSON envelope: {_excerpt(text)}",
                response.status,
                envelope=False,
            )
        return response.status, envelope["message"], envelope.get("data")

    def _send(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        headers: Optional[Mapping[str, str]] = None,
        retry_503: bool = True,
    ) -> Any:
        """An open 2xx response (read it, then close it), after asking again on 429/503 as allowed."""
        url = self.base_url + path
        params = {name: _query_value(value) for name, value in (query or {}).items() if value is not None}
        if params:
            url += "?" + urllib.parse.urlencode(params)
        sent: Dict[str, str] = {"Accept": "application/json", **(headers or {})}
        if self.api_key is not None:
            sent["Authorization"] = f"Bearer {self.api_key}"
        data = None
        # Every POST says JSON, even without a body: the API refuses others.
        if body is not None or method == "POST":
            sent["Content-Type"] = "application/json"
            data = None if body is None else json.dumps(body).encode("utf-8")
        attempt = 0
        while True:
            request = urllib.request.Request(url, data=data, headers=sent, method=method)
            try:
                return urllib.request.urlopen(request, timeout=self.timeout)
            except urllib.error.HTTPError as answer:
                with answer:
                    text = self._read(answer).decode("utf-8", errors="replace")
                error = _api_error(answer.code, answer.headers, text)
                retryable = answer.code == 429 or (answer.code == 503 and retry_503)
                if not retryable or attempt >= self.max_retries:
                    raise error from None
                if error.retry_after is not None and error.retry_after > self.retry_max:
                    raise error from None
                # Backoff with jitter, so clients throttled together do not come back together.
                backoff = min(self.retry_base * 2**attempt, self.retry_max) * (0.5 + random.random() / 2)
                time.sleep(error.retry_after if error.retry_after is not None else backoff)
                attempt += 1
            except (urllib.error.URLError, OSError) as failure:
                raise self._network_error(failure) from failure

    def _read(self, response: Any, size: int = -1) -> bytes:
        try:
            return response.read(size) if size >= 0 else response.read()
        except (OSError, ValueError) as failure:
            # http.client raises IncompleteRead (a ValueError) when a connection breaks mid-body.
            raise self._network_error(failure) from failure

    def _network_error(self, failure: BaseException) -> NetworkError:
        reason = failure.reason if isinstance(failure, urllib.error.URLError) else failure
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return NetworkError(f"the API at {self.base_url} did not answer within {self.timeout:g} s")
        return NetworkError(f"cannot reach the API at {self.base_url}: {_one_line(str(reason) or type(reason).__name__)}")


def _task_path(task_id: str) -> str:
    return "/api/v1/tasks/" + urllib.parse.quote(task_id, safe="")


def _schedule_path(schedule_id: str) -> str:
    return "/api/v1/schedules/" + urllib.parse.quote(schedule_id, safe="")


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def retry_after_seconds(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """``Retry-After`` is seconds or an HTTP date (RFC 9110, section 10.2.3:
    https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3). None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _api_error(status: int, headers: Any, text: str) -> ApiError:
    retry_after = retry_after_seconds(headers.get("retry-after") if headers is not None else None)
    body = _parse_json(text)
    if isinstance(body, dict) and "code" in body and isinstance(body.get("message"), str):
        data = body.get("data")
        details = data if isinstance(data, dict) else {}
        errors = [FieldError.from_dict(e) for e in details.get("errors", []) if isinstance(e, dict)]
        return ApiError(
            _one_line(body["message"]),
            status,
            code=details.get("error") if isinstance(details.get("error"), str) else None,
            field=details.get("field") if isinstance(details.get("field"), str) else None,
            errors=errors,
            data=data,
            retry_after=retry_after,
        )
    # API Gateway's own answers ({"message":"Too Many Requests"}, {"message":"Internal Server Error"}) have no code.
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        message = _one_line(body["message"])
    elif text.strip():
        message = f"the API answered: {_excerpt(text)}"
    else:
        message = f"the API answered HTTP {status} with an empty body"
    return ApiError(message, status, retry_after=retry_after, envelope=False)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _excerpt(text: str) -> str:
    line = _one_line(text)
    return line[:200] + "…" if len(line) > 200 else line
