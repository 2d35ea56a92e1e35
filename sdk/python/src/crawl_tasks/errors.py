"""What the client raises: every failure is a CrawlTasksError with a one-line message."""

from __future__ import annotations

from typing import Any, List, Optional

from .models import FieldError, Task


class CrawlTasksError(Exception):
    """The base class: ``except CrawlTasksError`` catches everything the client raises."""

    @property
    def transient(self) -> bool:
        """Whether asking again later may work (throttling, a dependency that did not answer, no connection)."""
        return False


class ApiError(CrawlTasksError):
    """The API (or API Gateway in front of it) answered with an error status.

    ``code`` is the envelope's ``data.error`` (VALIDATION_FAILED, NOT_FOUND, CONFLICT, ...), ``field``
    the request field to blame, ``errors`` every problem with the input (400 only). ``envelope`` is
    False when the body was not the API's envelope: API Gateway's own ``{"message":"Too Many Requests"}``
    (429) or ``{"message":"Internal Server Error"}`` (500), a proxy's HTML page, an empty body.
    """

    def __init__(
        self,
        message: str,
        status: int,
        *,
        code: Optional[str] = None,
        field: Optional[str] = None,
        errors: Optional[List[FieldError]] = None,
        data: Any = None,
        retry_after: Optional[float] = None,
        envelope: bool = True,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.field = field
        self.errors: List[FieldError] = errors or []
        self.data = data
        self.retry_after = retry_after
        self.envelope = envelope

    @property
    def transient(self) -> bool:
        return self.status == 429 or self.status >= 500

    def __str__(self) -> str:
        return f"{self.message} (HTTP {self.status})"


class NetworkError(CrawlTasksError):
    """No HTTP answer at all: refused, reset, DNS, TLS, or no data within the client's timeout."""

    @property
    def transient(self) -> bool:
        return True


class WaitTimeout(CrawlTasksError):
    """``wait`` reached its timeout; the task keeps running. ``task`` is the last one seen, if any."""

    def __init__(self, message: str, task: Optional[Task]) -> None:
        super().__init__(message)
        self.task = task
