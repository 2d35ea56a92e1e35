"""The API's objects as dataclasses, field for field as the OpenAPI document (/openapi.json) has them.

Fields the document requires come first and have no default; the others default to None.
Keys the API sends that a model does not know (a newer API) are ignored, so an older package
keeps working; tests/unit/sdk-python-models.test.ts fails when a model and the document disagree.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Dict, Generic, List, Optional, Type, TypeVar

T = TypeVar("T")
M = TypeVar("M")

TERMINAL_STATUSES = ("completed", "failed", "cancelled")


def _known(cls: Type[M], data: Dict[str, Any]) -> Dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return {key: value for key, value in data.items() if key in names}


@dataclass(frozen=True)
class TaskProgress:
    """How far a task got: pages crawled, items stored, items that record a failure."""

    pages_done: int
    items: int
    errors: int
    warnings: Optional[int] = None
    warning_examples: Optional[List[str]] = None
    hosts: Optional[Dict[str, Dict[str, int]]] = None

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "TaskProgress":
        return cls(**_known(cls, data))


@dataclass(frozen=True)
class TaskError:
    """The last error: why the task failed, or why its last run was retried."""

    code: str
    message: str

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "TaskError":
        return cls(**_known(cls, data))


@dataclass(frozen=True)
class Task:
    task_id: str
    platform: str
    crawler_type: str
    params: Dict[str, Any]
    status: str
    attempts: int
    max_attempts: int
    created_at: str
    updated_at: str
    progress: TaskProgress
    result_count: int
    started_at: Optional[str] = None
    finished_at: Optional[str] = None
    error: Optional[TaskError] = None
    idempotency_key_hash: Optional[str] = None
    max_duration_secs: Optional[int] = None
    stop_reason: Optional[str] = None
    lease_expires_at: Optional[str] = None
    continuations: Optional[int] = None
    hung_workers: Optional[int] = None
    webhook_url: Optional[str] = None
    webhook: Optional[Dict[str, Any]] = None
    metadata: Optional[Dict[str, str]] = None
    origin: Optional[str] = None
    schedule_id: Optional[str] = None
    since_last_run: Optional[bool] = None
    webhook_events: Optional[List[str]] = None
    expires_at: Optional[str] = None

    @property
    def finished(self) -> bool:
        """Completed, failed or cancelled: it will not change by itself any more."""
        return self.status in TERMINAL_STATUSES

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Task":
        fields = _known(cls, data)
        fields["progress"] = TaskProgress.from_dict(data["progress"])
        if data.get("error") is not None:
            fields["error"] = TaskError.from_dict(data["error"])
        return cls(**fields)


@dataclass(frozen=True)
class ScrapeResult:
    """What POST /api/v1/scrape answers: ``ended`` True (200) with the task and all its items, or
    False (202) with the task still running and ``poll``, where to follow it."""

    ended: bool
    task: Task
    items: List[Dict[str, Any]]
    poll: Optional[Dict[str, str]] = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """A page of a list: pass ``next_cursor`` back as ``cursor`` for the next one; None on the last page."""

    items: List[T]
    next_cursor: Optional[str]


@dataclass(frozen=True)
class DeletedTask:
    task_id: str
    results_deleted: int

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "DeletedTask":
        return cls(**_known(cls, data))


@dataclass(frozen=True)
class FieldError:
    """One problem with the input, as a 400 lists them in ``data.errors``."""

    field: str
    message: str

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "FieldError":
        return cls(**_known(cls, data))


@dataclass(frozen=True)
class Account:
    """A media platform's login (its cookies are sealed and never shown)."""

    account_id: str
    platform: str
    status: str
    created_at: str
    updated_at: str
    use_count: int
    fingerprint: str
    cookie_count: int
    note: Optional[str] = None
    status_reason: Optional[str] = None
    last_used_at: Optional[str] = None
    throttle_strikes: Optional[int] = None
    last_throttled_at: Optional[str] = None
    rest_until: Optional[str] = None

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Account":
        return cls(**_known(cls, data))


# Where each model's schema is in the OpenAPI document (JSON pointers), for the test that
# compares them (tests/unit/sdk-python-models.test.ts prints model_fields() as JSON).
SCHEMA_POINTERS: Dict[str, str] = {
    "Task": "/components/schemas/Task",
    "TaskProgress": "/components/schemas/Task/properties/progress",
    "TaskError": "/components/schemas/Task/properties/error",
    "Account": "/components/schemas/Account",
    "Page": "/paths/~1api~1v1~1tasks/get/responses/200/content/application~1json/schema/properties/data",
    "DeletedTask": "/paths/~1api~1v1~1tasks~1{task_id}/delete/responses/200/content/application~1json/schema/properties/data",
    "FieldError": (
        "/components/responses/BadRequest/content/application~1json/schema/properties/data/properties/errors/items"
    ),
}

MODELS: Dict[str, Any] = {
    "Task": Task,
    "TaskProgress": TaskProgress,
    "TaskError": TaskError,
    "Account": Account,
    "Page": Page,
    "DeletedTask": DeletedTask,
    "FieldError": FieldError,
}


def model_fields() -> Dict[str, Dict[str, Any]]:
    """Each model's fields and which of them are required (no default), beside its schema's pointer."""
    described: Dict[str, Dict[str, Any]] = {}
    for name, model in MODELS.items():
        fields = dataclasses.fields(model)
        described[name] = {
            "pointer": SCHEMA_POINTERS[name],
            "fields": [f.name for f in fields],
            "required": [
                f.name
                for f in fields
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            ],
        }
    return described

