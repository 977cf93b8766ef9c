"""National scale: generate a world of SIZE tasks in a scratch PostgreSQL database, then time
every row of issue 11's table against its goal.

    make bench-scale SIZE=100000 [RUNS=20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_bench \\
        .venv/bin/python bench/scale.py --size 100000 --runs 20 [--keep] [--reuse] [--load-only]

The database named in DATABASE_URL is created, migrated, filled (bench/world.py: COPY, by
--workers processes, 2 by default) and dropped at the end (--keep leaves it; --reuse measures a
kept one again without generating; --load-only stops after loading, for timing the load).
Everything runs with the clock at 09:00 of the next working day, so the first tick of that day
has a day's chasing to do. Pages go through Django's test client (middleware, templates,
everything), with the query count; the dashboard's figures are also computed by hand-written SQL
in the same run, as the baseline. Documents run in a child process each, for their peak memory
(ru_maxrss). Prints the table with each goal and whether it is met. Never point it at real data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import io
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, TypeVar

if TYPE_CHECKING:  # imported where used, once django.setup() has run
    from django.db import models
    from django.test import Client

    from agencies.models import Agency, Committee, User

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/scale_bench"

import django  # noqa: E402
from django.conf import settings  # noqa: E402


def _first(*dotted: str) -> Callable:
    """The first of these functions that exists (modules move between apps)."""
    for name in dotted:
        module, _, attr = name.rpartition(".")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            continue
    raise ImportError(f"none of {dotted}")


# ---- the table


@dataclass
class Row:
    what: str
    goal: str
    times: list[float] = field(default_factory=list)  # seconds
    limit: float | None = None  # seconds the median (or p95) must stay under
    use_p95: bool = False
    queries: int | None = None
    extra: str = ""
    passed: bool | None = None  # set directly for rows that are not times

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def p95(self) -> float | None:
        if not self.times:
            return None
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def verdict(self) -> bool | None:
        if self.passed is not None:
            return self.passed
        value = self.p95 if self.use_p95 else self.median
        if value is None or self.limit is None:
            return None
        return value < self.limit


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def render(rows: list[Row], title: str) -> str:
    lines = [
        title,
        "",
        "| what | median | p95 | runs | queries | notes | goal | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        verdict = row.verdict()
        lines.append(
            "| {} | {} | {} | {} | {} | {} | {} | {} |".format(
                row.what,
                _ms(row.median),
                _ms(row.p95),
                len(row.times) or "–",
                row.queries if row.queries is not None else "–",
                row.extra,
                row.goal,
                {True: "yes", False: "**no**", None: "–"}[verdict],
            )
        )
    return "\n".join(lines)


# ---- measuring


def timed(call: Callable[[], object], runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return times, result


def count_queries(call: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def get_page(client: Client, url: str) -> Callable[[], object]:
    def call() -> object:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        return response

    return call


# ---- the world's landmarks, found again in the database


@dataclass
class Landmarks:
    national: Committee
    province: Committee
    big_agency: Agency
    admin: User
    national_chair: User
    province_chair: User
    big_head: User
    tasks: int


M = TypeVar("M", bound="models.Model")


def _first_of(queryset: models.QuerySet[M]) -> M:
    """The first row; the world always has one, so none is an error here, not later."""
    found = queryset.first()
    if found is None:
        raise LookupError(f"the world has no {queryset.model._meta.verbose_name}")
    return found


def landmarks() -> Landmarks:
    from agencies.models import Agency, Committee, User
    from tasks.models import Task, TaskAssignment

    national = Committee.objects.get(level="national")
    province = _first_of(
        Committee.objects.filter(level="province").order_by("pk")
    )  # the biggest: the generator gives it 5 % of the directives
    big = (
        TaskAssignment.objects.filter(role="lead")
        .values("agency")
        .order_by()
        .annotate(n=django.db.models.Count("pk"))
        .order_by("-n")
        .first()
    )
    big_agency = Agency.objects.get(pk=big["agency"])
    return Landmarks(
        national=national,
        province=province,
        big_agency=big_agency,
        admin=_first_of(User.objects.filter(role="admin")),
        national_chair=_first_of(User.objects.filter(role="chair", committee=national)),
        province_chair=_first_of(User.objects.filter(role="chair", committee=province)),
        big_head=_first_of(User.objects.filter(role="agency_head", agency=big_agency)),
        tasks=Task.objects.count(),
    )


DASHBOARD_SQL = """
-- The dashboard's figures by hand, over the domain tables (no stored figures): each lead's
-- timeliness once, a task's from its leads', grouped three ways.
WITH leads AS (
    SELECT a.task_id, a.agency_id, a.state,
        CASE
            WHEN a.state = 'accepted' AND (a.due_at IS NULL OR a.result_reported_at <= a.due_at)
                THEN 'done_on_time'
            WHEN a.state = 'accepted' THEN 'done_late'
            WHEN a.due_at IS NULL THEN 'open_on_time'
            WHEN a.state = 'reported' AND a.reported_at <= a.due_at THEN 'open_on_time'
            WHEN a.due_at < %(now)s THEN 'open_overdue'
            ELSE 'open_on_time'
        END AS t
    FROM tasks_taskassignment a
    JOIN tasks_task k ON k.id = a.task_id
    JOIN documents_directive d ON d.id = k.directive_id
    WHERE a.role = 'lead' AND a.state NOT IN ('cancelled', 'draft')
      AND k.state NOT IN ('draft', 'cancelled') {committee}
),
per_task AS (
    SELECT l.task_id, k.directive_id,
        CASE
            WHEN k.state = 'completed' THEN
                CASE WHEN max(CASE WHEN l.t = 'done_late' THEN 1 ELSE 0 END) = 1
                    THEN 'done_late' ELSE 'done_on_time' END
            WHEN max(CASE WHEN l.t = 'open_overdue' THEN 1 ELSE 0 END) = 1 THEN 'open_overdue'
            ELSE 'open_on_time'
        END AS t
    FROM leads l JOIN tasks_task k ON k.id = l.task_id
    GROUP BY l.task_id, k.directive_id, k.state
)
SELECT 'total', 0, t, count(*) FROM per_task GROUP BY t
UNION ALL SELECT 'directive', directive_id, t, count(*) FROM per_task GROUP BY directive_id, t
UNION ALL SELECT 'agency', agency_id, t, count(*) FROM leads GROUP BY agency_id, t
"""


def dashboard_sql(committee_id: int | None, now: dt.datetime) -> Callable[[], object]:
    from django.db import connection

    where = "AND d.committee_id = %(committee)s" if committee_id else ""
    sql = DASHBOARD_SQL.format(committee=where)

    def call() -> object:
        with connection.cursor() as cursor:
            moment = connection.ops.adapt_datetimefield_value(now)
            cursor.execute(sql, {"now": moment, "committee": committee_id})
            return cursor.fetchall()

    return call


# ---- documents, each in a child process (peak memory)


def child(kind: str, size_hint: int) -> None:
    """Run one document in this (fresh) process; print seconds and peak RSS as JSON."""
    from agencies.models import Committee

    marks = landmarks()
    ReportFilters = _first(
        "exports.pdf.queries.ReportFilters", "documents.pdf.queries.ReportFilters"
    )
    now = _bench_now()
    before = _peak_mb()
    started = time.perf_counter()
    if kind == "scorecard":
        build = _first(
            "exports.pdf.scorecard.build_scorecard", "documents.pdf.scorecard.build_scorecard"
        )
        out = build(ReportFilters(committee=marks.national, agency=marks.big_agency, now=now))
        rows = len(out)
    elif kind == "overdue":
        build = _first(
            "exports.pdf.overdue.build_overdue_audit", "documents.pdf.overdue.build_overdue_audit"
        )
        out = build(ReportFilters(committee=marks.national, now=now))
        rows = len(out)
    elif kind == "xlsx":
        write = _first("exports.spreadsheets.write_xlsx", "documents.spreadsheets.write_xlsx")
        committee = Committee.objects.get(pk=marks.national.pk)
        buffer = io.BytesIO()
        rows = write("tasks", ReportFilters(committee=committee, status="all", now=now), buffer)
    else:
        raise SystemExit(f"unknown document {kind}")
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb(), "base_mb": before, "rows": rows}))


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, it starts afresh at
    exec, so the parent's size does not count)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ChildResult(TypedDict):
    """What a document's child process prints (child)."""

    seconds: float
    peak_mb: float
    base_mb: float
    rows: int


def run_child(kind: str, args: argparse.Namespace) -> ChildResult:
    command = [sys.executable, __file__, "--child", kind, "--size", str(args.size)]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- the clock: 09:00 (Vietnam) of the next working day after today


def _bench_now() -> dt.datetime:
    from agencies import calendar as workdays
    from tasks.deadlines import VIETNAM

    if os.environ.get("SCALE_BENCH_NOW"):
        return dt.datetime.fromisoformat(os.environ["SCALE_BENCH_NOW"])
    day = dt.datetime.now(VIETNAM).date() + dt.timedelta(days=1)
    while not workdays.is_working_day(day):
        day += dt.timedelta(days=1)
    moment = dt.datetime.combine(day, dt.time(9), tzinfo=VIETNAM)
    os.environ["SCALE_BENCH_NOW"] = moment.isoformat()
    return moment


class _clock:
    """time-machine at the bench's moment, ticking."""

    def __enter__(self) -> None:
        import time_machine

        self._travel = time_machine.travel(_bench_now(), tick=True)
        self._travel.start()

    def __exit__(self, *exc: object) -> None:
        self._travel.stop()


# ---- the database


def create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _load() -> str:
    """The machine's load average: the other jobs sharing the cores while this runs."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# ---- the rows


def measure(args: argparse.Namespace, say: Callable[[str], None]) -> list[Row]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from chasing.models import Notification
    from chasing.outbox import send_outbox
    from chasing.tick import run_tick

    logging.getLogger("ops.requests").setLevel(logging.WARNING)  # a line per request: noise
    runs, slow = args.runs, args.slow_runs
    marks = landmarks()
    now = _bench_now()
    rows: list[Row] = []

    def page_row(
        what: str,
        goal: str,
        limit: float,
        user: User,
        url: str,
        n: int,
        p95: bool = False,
    ) -> Row:
        client = Client()
        client.force_login(user)
        call = get_page(client, url)
        call()  # warm: templates, translations, the first connection
        queries = count_queries(call)
        times, _ = timed(call, n)
        row = Row(what, goal, times, limit, use_p95=p95, queries=queries)
        rows.append(row)
        say(f"{what}: {_ms(row.median)} ({queries} queries)")
        return row

    def sql_row(what: str, committee_id: int | None, against: Row, n: int) -> None:
        call = dashboard_sql(committee_id, now)
        call()
        times, _ = timed(call, n)
        row = Row(what, "baseline", times)
        ratio = (against.median or 0) / row.median if row.median else None
        against.extra = f"{ratio:.2f}× SQL" if ratio else ""
        if (
            against.median is not None
            and against.limit is not None
            and ratio is not None
            and "1.2×" in against.goal
        ):
            against.passed = against.median < against.limit and ratio <= 1.2
        rows.append(row)
        say(f"{what}: {_ms(row.median)}")

    dashboard = reverse("dashboard:index")
    national = page_row(
        "national chair's dashboard", "< 300 ms and ≤ 1.2× SQL", 0.3, marks.national_chair,
        dashboard, runs,
    )  # fmt: skip
    sql_row("  hand-written SQL, national", marks.national.pk, national, runs)
    province = page_row(
        f"dashboard of the biggest province ({_tasks_of(marks.province):,} tasks)", "< 150 ms",
        0.15, marks.province_chair, dashboard, runs,
    )  # fmt: skip
    sql_row("  hand-written SQL, province", marks.province.pk, province, runs)
    province.passed = None  # its goal is the time only
    page_row("admin's dashboard, every committee", "< 1 s", 1.0, marks.admin, dashboard, runs)

    # The inbox of the agency with the most tasks: first, middle and last page of "all".
    inbox = reverse("work:inbox")
    pages = _inbox_pages(marks.big_head, inbox)
    for label, url in pages:
        page_row(
            f"inbox of {marks.big_agency.code}, {label}", "p95 < 100 ms", 0.1, marks.big_head,
            url, runs, p95=True,
        )  # fmt: skip
    api = _api_last_page(marks.big_head)
    page_row("API task list, last page", "< 100 ms", 0.1, marks.big_head, api, runs)

    # Ticks: the first of the working day (once: it sends), then idle ones.
    before = Notification.objects.count()
    started = time.perf_counter()
    queries = count_queries(run_tick)
    first = Row(
        "first tick of a working day", "< 20 s; one notice per person per day",
        [time.perf_counter() - started], 20.0, queries=queries,
    )  # fmt: skip
    made = Notification.objects.count() - before
    people = (
        Notification.objects.filter(created_at__gte=now - dt.timedelta(hours=1))
        .values("recipient")
        .distinct()
        .count()
    )
    most = (
        Notification.objects.filter(created_at__gte=now - dt.timedelta(hours=1))
        .values("recipient", "kind")
        .annotate(n=django.db.models.Count("pk"))
        .order_by("-n")
        .values_list("n", flat=True)
        .first()
    )
    first.extra = f"{made:,} notifications to {people:,} people, at most {most or 0} of a kind"
    first.passed = first.times[0] < 20 and (most or 0) <= 1
    rows.append(first)
    say(f"first tick: {_ms(first.median)}, {first.extra}")
    # The first tick's e-mails leave OUTBOX_BATCH a tick: drain them first, so the idle tick
    # measured is one with nothing to send (the drain is reported, not judged).
    started, runs = time.perf_counter(), 0
    # Until a run finds nothing due (a message waiting to be retried later would never leave).
    while (result := send_outbox()).sent or result.retried or result.failed:
        runs += 1
    drained = time.perf_counter() - started
    say(f"outbox drained: {runs} runs, {drained:.1f} s")
    idle_queries = count_queries(run_tick)
    times, _ = timed(run_tick, max(3, slow))
    idle = Row("tick with nothing to send", "< 1 s", times, 1.0, queries=idle_queries)
    idle.extra = f"after the first tick's e-mails were sent: {runs} outbox runs, {drained:.1f} s"
    rows.append(idle)
    say(f"idle tick: {_ms(rows[-1].median)}")

    documents = (
        ()
        if not args.documents
        else (
            ("scorecard", f"scorecard PDF of {marks.big_agency.code}", "< 10 s and < 300 MB"),
            ("overdue", "overdue audit PDF, national committee", "< 10 s and < 300 MB"),
            ("xlsx", "xlsx of the national committee's tasks", "< 15 s, flat memory"),
        )
    )
    for kind, what, goal in documents:
        # `slow` runs, each in a fresh process: the median time, and the highest peak memory
        runs = [run_child(kind, args) for _ in range(slow)]
        document = max(runs, key=lambda run: run["peak_mb"])
        grown = document["peak_mb"] - document["base_mb"]
        limit = 15.0 if kind == "xlsx" else 10.0
        row = Row(what, goal, [run["seconds"] for run in runs], limit)
        row.extra = f"peak RSS {document['peak_mb']:,.0f} MB (+{grown:,.0f} MB)"
        if kind == "xlsx":
            row.extra += f", {document['rows']:,} rows"
        median = row.median
        row.passed = median is not None and median < limit and document["peak_mb"] < 300
        rows.append(row)
        say(f"{what}: {_ms(median)} (median of {slow}), {row.extra}")

    if connection.vendor == "postgresql":
        rows.append(_storage())
    retention = getattr(settings, "NOTIFICATION_RETENTION_DAYS", None)
    rows.append(
        Row(
            "notifications", "retention the administrator sets, old rows archived",
            extra=f"{Notification.objects.count():,} rows; retention "
            + (f"{retention} days" if retention else "none"),
            passed=bool(retention),
        )
    )  # fmt: skip
    return rows


def _storage() -> Row:
    """The database's size, split into the domain's tables, viewflow's (processes and steps,
    and their per-flow tables in workflows/), guardian's (object permissions) and the
    notifications; the biggest tables; and the object-permission rows."""
    from django.db import connection

    from chasing.models import Notification

    notifications = Notification._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        (size,) = cursor.fetchone()
        cursor.execute(
            "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC"
        )
        tables = cursor.fetchall()
        permission_tables = [t for t, _ in tables if t.endswith("objectpermission")]
        counts = " + ".join(f'(SELECT count(*) FROM "{t}")' for t in permission_tables)
        cursor.execute(f"SELECT {counts or 0}")
        (guardian,) = cursor.fetchone()

    def group(table: str) -> str:
        if table.startswith(("viewflow_", "workflows_")):
            return "viewflow"
        if table.endswith("objectpermission"):
            return "guardian"
        if table == notifications:
            return "notifications"
        return "domain and the rest"

    split = dict.fromkeys(("domain and the rest", "viewflow", "guardian", "notifications"), 0)
    for table, b in tables:
        split[group(table)] += b
    total = sum(split.values()) or 1
    parts = ", ".join(
        f"{name} {b / 2**20:,.0f} MB ({100 * b / total:.0f} %)" for name, b in split.items()
    )
    biggest = ", ".join(f"{name} {b / 2**20:,.0f} MB" for name, b in tables[:4])
    return Row(
        "storage", "no storage duplicating the domain",
        extra=f"{size / 2**30:,.2f} GB: {parts}; biggest {biggest}; object-permission rows "
        f"{guardian:,}",
        passed=guardian == 0,
    )  # fmt: skip


def _tasks_of(committee: Committee) -> int:
    from tasks.models import Task

    return Task.objects.filter(directive__committee=committee).count()


def _inbox_pages(user: User, inbox: str) -> list[tuple[str, str]]:
    """Page 1, a page in the middle and the last page of the agency's whole list ("all"). The
    inbox pages along (deadline, id) with a cursor (project/keyset.py): the middle page is the
    one after the row halfway down that order, as following "next" would reach it."""
    from project import keyset
    from tasks.models import TaskAssignment

    parts = (
        TaskAssignment.objects.filter(agency_id=user.agency_id)
        .exclude(task__state="draft")
        .exclude(state__in=["draft", "cancelled"])
    )
    total = parts.count()
    dated = parts.filter(due_at__isnull=False).order_by("due_at", "id")
    middle = dated[min(total // 2, max(0, dated.count() - 1))]
    cursor = keyset.encode(middle.due_at, middle.pk)
    return [
        ("page 1", f"{inbox}?status=all"),
        (f"middle of {total:,} rows", f"{inbox}?status=all&after={cursor}"),
        ("last page", f"{inbox}?status=all&page=last"),
    ]


def _api_last_page(user: User) -> str:
    return "/api/tasks/?page=last"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20, help="runs of each fast row")
    parser.add_argument("--slow-runs", type=int, default=3, help="runs of each slow row")
    parser.add_argument("--keep", action="store_true", help="leave the database")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database")
    parser.add_argument(
        "--workers", type=int, default=2, help="processes writing the tasks (one per core)"
    )
    parser.add_argument(
        "--load-only", action="store_true", help="generate and load, measure nothing"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.set_defaults(documents=True)
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("bench/scale.py needs a PostgreSQL DATABASE_URL (a scratch database)")
    if args.child:
        django.setup()
        with _clock():
            child(args.child, args.size)
        return
    say = lambda message: print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: E731
    if not args.reuse:
        create_database(url)
    django.setup()
    from django.core.management import call_command

    from bench.world import generate

    if not args.reuse:
        call_command("migrate", verbosity=0)
    now = _bench_now()
    if not args.reuse:
        say(f"generating {args.size:,} tasks (clock: {now:%Y-%m-%d %H:%M %Z}), {_load()}")
        world = generate(args.size, now, progress=say, workers=args.workers)
        phases = ", ".join(f"{name} {s:,.0f} s" for name, s in world.phases.items())
        say(f"generated and loaded in {world.seconds:,.0f} s ({phases}): {world.counts}")
        started = time.monotonic()
        vacuum()
        say(f"VACUUM ANALYZE: {time.monotonic() - started:,.0f} s; {_load()}")
        if args.load_only:
            say(f"loaded; {'kept' if args.keep else 'dropped'}: {url.rsplit('/', 1)[1]}")
            if not args.keep:
                drop_database(url)
            return
    try:
        with _clock():
            rows = measure(args, say)
    finally:
        if not args.keep:
            drop_database(url)
    title = (
        f"SIZE={args.size:,} tasks · {time.strftime('%Y-%m-%d')} · {os.cpu_count()} cores · "
        f"PostgreSQL at default settings · median of {args.runs} runs "
        f"({args.slow_runs} for slow rows)"
    )
    print()
    print(render(rows, title))


if __name__ == "__main__":
    main()
