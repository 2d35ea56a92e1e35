"""The crawl_tasks package, start to end: create a crawl, wait for it, iterate its results page by
page, export them as files, see how errors look, cancel and delete. docs/sdk.md shows its output
(tests/e2e/sdk.test.ts runs it against the one-machine stack and checks that output).

    API_URL=http://127.0.0.1:8888 SITE_URL=https://example.com/ python3 quickstart.py
"""

import os
import urllib.parse

from crawl_tasks import ApiError, Client

client = Client(
    os.environ.get("API_URL", "http://127.0.0.1:8888"),
    api_key=os.environ.get("API_KEY"),  # only when the API has keys configured
)
site = os.environ.get("SITE_URL", "https://example.com/")

# 1. Create a crawl and wait until it ends (polling backs off from 1 s to 10 s).
created = client.create({"platform": "web", "crawler_type": "crawl", "urls": [site], "max_depth": 4, "max_pages": 50})
print(f"created {created.platform} {created.crawler_type}: {created.status}")
task = client.wait(created.task_id, timeout=300)
print(f"{task.status}: {task.progress.pages_done} pages, {task.result_count} results, {task.progress.errors} errors")

# 2. Every result, 4 per request: the iterator follows the cursor from page to page.
items = list(client.iterate_results(task.task_id, page_size=4))
failed = sum(1 for item in items if not item["ok"])
print(f"results: {len(items)} items ({failed} record a failure)")

# 3. Export as files, streamed to disk (written as results.csv.partial, renamed once complete).
written = client.export(task.task_id, "csv", "results.csv", page_size=4)
with open("results.csv", encoding="utf-8") as file:
    header = file.readline()
assert written == os.path.getsize("results.csv")
print(f"results.csv: header {header[: header.index(',ok') + 3]}")
client.export(task.task_id, "jsonl", "results.jsonl")
with open("results.jsonl", encoding="utf-8") as file:
    print(f"results.jsonl: {len(file.read().splitlines())} lines")

# 4. Errors: an ApiError with the HTTP status, the stable code and the field to blame.
try:
    client.create({"platform": "web", "crawler_type": "crawl", "urls": [site], "max_pages": 0})
except ApiError as error:
    print(f"{error.status} {error.code} ({error.field}): {error.message}")
try:
    client.get("01M8HQ0000000000000000000X")
except ApiError as error:
    print(f"{error.status} {error.code}: {error.message}")

# 5. Cancel a task that is still running, then delete both tasks and their results.
slow = client.create({"platform": "web", "crawler_type": "detail", "urls": [urllib.parse.urljoin(site, "/slow")]})
print(f"cancelled: {client.cancel(slow.task_id).status}")
print(f"deleted: {client.delete(task.task_id).results_deleted} results")
print(f"deleted: {client.delete(slow.task_id).results_deleted} results")
