"""crawl_tasks: a client for the crawl-tasks API, standard library only.

>>> from crawl_tasks import Client
>>> client = Client("http://127.0.0.1:8888")
>>> task = client.create({"platform": "web", "crawler_type": "crawl", "urls": ["https://example.com/"]})
>>> task = client.wait(task.task_id, timeout=600)
"""

from .client import Client, retry_after_seconds
from .errors import ApiError, CrawlTasksError, NetworkError, WaitTimeout
from .models import Account, DeletedTask, FieldError, Page, ScrapeResult, Task, TaskError, TaskProgress

__version__ = "0.1.0"

__all__ = [
    "Account",
    "ApiError",
    "Client",
    "CrawlTasksError",
    "DeletedTask",
    "FieldError",
    "NetworkError",
    "Page",
    "ScrapeResult",
    "Task",
    "TaskError",
    "TaskProgress",
    "WaitTimeout",
    "retry_after_seconds",
]
