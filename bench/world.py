"""A realistic national world of any size, loaded fast: PostgreSQL's COPY (psycopg 3
`cursor.copy`), or plain `executemany` on SQLite (the CI smoke test).

    generate(size=1_000_000, now=..., workers=2)  # 1M tasks, 20,000 directives, 5,000 agencies

The shape follows the issue-11 measurements: 64 committees (one national, the rest provincial),
one agency leading ~5 % of all tasks (a member of the national committee and of the biggest
province), 1-3 lead agencies and 0-2 co-ordinators a task, deadlines spread over three years
before `now` and one after, each lead's part in a state its deadline makes plausible (done on
time, done late, reported and waiting for review, returned, overdue...), extensions approved,
rejected and pending, the history entries those moves leave (including the "deadline passed"
entry the tick writes, so an idle tick has nothing to do), result reports, two months of
notifications, and the viewflow records the product keeps beside them: a process per directive
and per extension request, a row per step taken (workflows/flows.py). Rows are built as dicts of
attribute names; the loader fills every other column from the model's own defaults, so a column
added later does not break it.

Why it is fast (issue 11: 1M tasks in under 15 minutes on 2 cores): rows are plain tuples (no
model instances); on PostgreSQL the bulk tables' secondary indexes and unique constraints are
dropped while loading and built afterwards (a sort instead of a B-tree insertion per row), the
foreign-key triggers are off (the generator writes only keys it made), and with `workers=2`
the tasks are generated and copied by two processes, each on its own connection, while the
server ingests, so both cores work. Each directive's tasks come from their own random stream, so
the world is the same whatever the number of workers (only the surrogate keys of the rows under
the tasks differ).

Never point it at real data: it writes explicit primary keys into empty tables.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import operator
import random
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import cast

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, connections, models, transaction
from django.urls import get_resolver
from psycopg.copy import QueuedLibpqWriter
from viewflow.workflow.base import Flow, Node
from viewflow.workflow.models import Process as FlowProcess
from viewflow.workflow.models import Task as FlowTask
from viewflow.workflow.status import PROCESS, STATUS

from tasks.deadlines import VIETNAM, deadline_end
from tasks.models import Task
from tasks.querysets import refresh_directive_tallies, refresh_lead_tallies
from workflows.flows import DirectiveFlow, ExtensionFlow

BENCH_PASSWORD = "scale-bench-389"  # every generated user's password (a scratch database)
TASKS_PER_DIRECTIVE = 50
OUR_APPS = {"agencies", "documents", "tasks", "chasing", "reporting", "exports", "workflows"}
# Index builds after the load: memory for their sorts (the server's default is 64 MB).
INDEX_BUILD_MEMORY = "512MB"


@cache
def model(name: str) -> type[models.Model]:
    """A model by class name, wherever it lives (files move between apps)."""
    found = [
        m
        for m in apps.get_models()
        if m.__name__ == name and m.__module__.split(".")[0] in OUR_APPS
    ]
    if len(found) != 1:
        raise LookupError(f"model {name!r}: {len(found)} candidates")
    return found[0]


# ---- the loader


class Table:
    """One model's own columns (a child model's, without its parents'), in table order, with
    each column's default."""

    def __init__(self, model_class: type[models.Model]) -> None:
        self.model = model_class
        self.table = model_class._meta.db_table
        self.fields = list(model_class._meta.local_concrete_fields)
        # Concrete fields: each has its column (Field.column is None only for the others).
        self.columns = [cast(str, f.column) for f in self.fields]
        self.attnames = [f.attname for f in self.fields]
        defaults = [self._default(f) for f in self.fields]
        if connection.vendor == "postgresql":  # COPY takes database values: prepare them once
            defaults = [
                d if d is _REQUIRED or d is None else f.get_db_prep_save(d, connection)
                for f, d in zip(self.fields, defaults, strict=True)
            ]
        self.defaults = tuple(defaults)
        self.types: list[int] | None = None  # the columns' type oids (COPY in binary needs them)
        self._makers: dict[tuple[str, ...], Callable[[tuple], tuple]] = {}

    @staticmethod
    def _default(f: models.Field) -> object:
        if f.has_default():
            return f.get_default()
        if f.null:
            return None
        if isinstance(f, models.CharField | models.TextField):
            return ""
        return _REQUIRED

    def row(self, values: dict) -> tuple:
        keys = tuple(values)
        make = self._makers.get(keys)
        if make is None:
            make = self._makers[keys] = self._maker(keys)
        # One C call: pick each column from the given values, else from the defaults.
        return make(tuple(values.values()) + self.defaults)

    def _maker(self, keys: tuple[str, ...]) -> Callable[[tuple], tuple]:
        """Where each column comes from; every column without a default must be given."""
        index = {a: i for i, a in enumerate(self.attnames)}
        missing = [
            a for a, d in zip(self.attnames, self.defaults, strict=True)
            if d is _REQUIRED and a not in keys
        ]  # fmt: skip
        unknown = [k for k in keys if k not in index]
        if missing or unknown:
            raise ValueError(f"{self.table}: missing {missing}, unknown {unknown}")
        given = {k: i for i, k in enumerate(keys)}
        n = len(keys)
        return operator.itemgetter(*(given.get(a, n + i) for i, a in enumerate(self.attnames)))


_REQUIRED = object()


class Loader:
    """Buffers rows per model and writes them in the order the models were first added
    (parents before children), with COPY on PostgreSQL."""

    def __init__(self) -> None:
        self.tables: dict[type[models.Model], Table] = {}
        self.rows: dict[type[models.Model], list[tuple]] = {}
        self.counts: dict[str, int] = {}

    def add(self, model_class: type[models.Model], **values: object) -> None:
        table = self.tables.get(model_class)
        if table is None:
            table = self.tables[model_class] = Table(model_class)
            self.rows[model_class] = []
        self.rows[model_class].append(table.row(values))

    def flush(self) -> None:
        for model_class, rows in self.rows.items():
            if not rows:
                continue
            table = self.tables[model_class]
            if connection.vendor == "postgresql":
                self._copy(table, rows)
            else:
                self._insert(table, rows)
            self.counts[table.table] = self.counts.get(table.table, 0) + len(rows)
            rows.clear()

    @staticmethod
    def _copy(table: Table, rows: list[tuple]) -> None:
        columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3's own cursor under Django's wrapper
            if table.types is None:
                raw.execute(
                    "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass"
                    " AND attnum > 0 AND NOT attisdropped",
                    [table.table],
                )
                oids = dict(raw.fetchall())
                table.types = [oids[c] for c in table.columns]
            # A writer thread: the server ingests while Python formats the next rows. Binary:
            # several times cheaper to format than text, and to parse on the server.
            writer = QueuedLibpqWriter(raw)
            sql = f"COPY {table.table} ({columns}) FROM STDIN (FORMAT BINARY)"
            with raw.copy(sql, writer=writer) as copy:
                copy.set_types(table.types)
                for row in rows:
                    copy.write_row(row)

    @staticmethod
    def _insert(table: Table, rows: list[tuple]) -> None:
        prepared = [
            tuple(
                f.get_db_prep_save(value, connection)
                for f, value in zip(table.fields, row, strict=True)
            )
            for row in rows
        ]
        marks = ", ".join(["%s"] * len(table.columns))
        columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table.table} ({columns}) VALUES ({marks})", prepared)


def reset_sequences(model_classes: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), model_classes)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class _Ids:
    """Primary keys of one kind: worker k of n takes k+1, k+1+n, k+1+2n... after `offset`, so
    workers never collide and never need to talk."""

    def __init__(self, offset: int = 0, worker: int = 0, workers: int = 1) -> None:
        self.last = offset + worker + 1 - workers
        self.step = workers

    def __call__(self) -> int:
        self.last += self.step
        return self.last


# ---- indexes off while loading (PostgreSQL)


@dataclass
class _Index:
    table: str
    drop: str
    create: str
    size: int  # the table's size after the load: the biggest builds start first


def _defer_indexes(tables: list[str]) -> list[_Index]:
    """Drop the tables' secondary indexes and unique constraints (not the primary keys, nor a
    unique index a foreign key leans on) and say how to build them again."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, x.relname, pg_get_indexdef(i.indexrelid), c.conname,
                pg_get_constraintdef(c.oid)
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_class x ON x.oid = i.indexrelid
            LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
            WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace
              AND NOT i.indisprimary
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid
              )
            ORDER BY t.relname, x.relname
            """,
            [tables],
        )
        found = cursor.fetchall()
        deferred = []
        for table, index, indexdef, constraint, condef in found:
            if constraint:
                drop = f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"'
                create = f'ALTER TABLE "{table}" ADD CONSTRAINT "{constraint}" {condef}'
            else:
                drop, create = f'DROP INDEX "{index}"', indexdef
            cursor.execute(drop)
            deferred.append(_Index(table, drop, create, 0))
    return deferred


def _build_indexes(deferred: list[_Index], workers: int) -> None:
    """Build them again: `workers` at once, each on its own connection (a thread each; the
    server does the work), the biggest tables first."""
    if not deferred:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relname = ANY(%s)",
            [sorted({d.table for d in deferred})],
        )
        sizes = dict(cursor.fetchall())
    ordered = sorted(deferred, key=lambda d: -sizes.get(d.table, 0))
    if workers == 1:
        _run_sql([d.create for d in ordered], own_connection=False)
        return
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda d: _run_sql([d.create]), ordered))


def _run_sql(statements: list[str], own_connection: bool = True) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
            if own_connection:  # the other builds already take the other cores
                cursor.execute("SET max_parallel_maintenance_workers = 0")
            for sql in statements:
                cursor.execute(sql)
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute("RESET max_parallel_maintenance_workers")
    finally:
        if own_connection:
            connection.close()  # this thread's


@contextmanager
def _foreign_keys_unchecked() -> Iterator[None]:
    """PostgreSQL: no per-row foreign-key checks while loading (the generator only writes keys
    it made; the append-only triggers fire on UPDATE and DELETE only); the scratch database's
    superuser may. No flush to disk at each commit either (a scratch database)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")
            cursor.execute("SET synchronous_commit = on")


# ---- the world


@dataclass
class World:
    """What the measurements need to find again."""

    now: dt.datetime
    size: int
    national_id: int = 0
    big_province_id: int = 0
    big_agency_id: int = 0
    admin_id: int = 0
    chair_ids: dict[int, int] = field(default_factory=dict)  # committee -> chair user
    secretariat_ids: dict[int, int] = field(default_factory=dict)
    head_ids: dict[int, int] = field(default_factory=dict)  # agency -> head user
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase of the load


PROVINCES = [
    "Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Kiên Giang", "An Giang",
    "Lạng Sơn", "Quảng Ninh", "Lào Cai", "Cao Bằng", "Hà Giang", "Điện Biên", "Lai Châu",
    "Sơn La", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế", "Quảng Nam",
    "Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Bình Phước", "Tây Ninh", "Long An",
    "Đồng Tháp", "Cà Mau", "Bạc Liêu", "Sóc Trăng",
]  # fmt: skip
AGENCY_KINDS = [
    ("police", "Công an"),
    ("border_guard", "Bộ Chỉ huy Bộ đội Biên phòng"),
    ("customs", "Cục Hải quan"),
    ("market_surveillance", "Cục Quản lý thị trường"),
    ("tax", "Cục Thuế"),
    ("department", "Sở Công Thương"),
    ("department", "Sở Nông nghiệp và Môi trường"),
    ("department", "Sở Y tế"),
    ("commune", "Ủy ban nhân dân xã"),
]
VERBS = [
    "Tăng cường kiểm tra, kiểm soát",
    "Đấu tranh, ngăn chặn",
    "Rà soát, xử lý nghiêm",
    "Tuyên truyền, phổ biến",
    "Phối hợp kiểm tra liên ngành",
    "Báo cáo kết quả thực hiện",
]
OBJECTS = [
    "hàng hóa nhập lậu qua biên giới",
    "xăng dầu, khoáng sản",
    "thuốc lá điếu nhập lậu",
    "hàng giả, hàng kém chất lượng",
    "gian lận thương mại trên môi trường điện tử",
    "động vật hoang dã, gỗ lậu",
    "pháo nổ, vũ khí thô sơ",
]
LEAD_COUNTS = [1] * 70 + [2] * 22 + [3] * 8
COORD_COUNTS = [0] * 40 + [1] * 40 + [2] * 20


def _committee_count(size: int) -> int:
    return max(2, min(64, size // 2000))


def _agency_count(size: int) -> int:
    return max(12, size // 200)


class _Clock:
    """deadline_end per day, computed once (the holiday calendar is asked per call)."""

    def __init__(self) -> None:
        self._ends: dict[dt.date, dt.datetime] = {}

    def end(self, day: dt.date) -> dt.datetime:
        end = self._ends.get(day)
        if end is None:
            end = self._ends[day] = deadline_end(day).astimezone(dt.UTC)
        return end


@dataclass
class _Directive:
    """One directive as planned before its tasks are written."""

    id: int
    committee: int
    issued: dt.date
    state: str
    tasks: int
    first_task: int  # its tasks' ids follow on from here


@dataclass
class _Plan:
    """Everything the task writers share (handed to the worker processes by fork)."""

    now: dt.datetime
    today: dt.date
    seed: int
    big_agency: int
    members: dict[int, list[int]]
    officers: dict[int, list[int]]
    heads: dict[int, int]
    secretariat: dict[int, int]
    chairs: dict[int, int]
    directives: list[_Directive]
    flow_ids: _FlowIds  # the keys the directives' flows took (the extensions' follow)
    chunk_tasks: int
    say: Callable[[str], None]  # the first worker's progress


_PLAN: _Plan | None = None  # set before the workers fork


def generate(
    size: int,
    now: dt.datetime,
    *,
    seed: int = 389,
    progress: Callable[[str], None] | None = None,
    workers: int = 1,
    chunk_tasks: int = 20_000,
) -> World:
    """Fill an empty, migrated database with `size` tasks and everything around them.

    workers=1 writes on this connection, inside the caller's transaction if there is one (the
    tests). workers>1 (PostgreSQL, autocommit: scale.py) has that many processes write the tasks,
    each committing its own share; the database is only fit to measure once this returns."""
    if workers > 1 and (connection.vendor != "postgresql" or connection.in_atomic_block):
        raise ValueError("workers > 1 needs PostgreSQL in autocommit: each worker commits")
    started = time.monotonic()
    say = progress or (lambda _message: None)
    # The flows learn the site's name, which their steps' permission names carry, as it loads.
    get_resolver().url_patterns  # noqa: B018
    with _foreign_keys_unchecked():
        world = _generate(size, now, seed, say, chunk_tasks, workers)
    world.seconds = time.monotonic() - started
    return world


# Written in bulk: their indexes wait until the rows are in (the people's tables are small).
BULK = [
    "Directive", "Task", "TaskAssignment", "TaskEvent", "TaskReport", "Extension",
    "Notification", "DirectiveProcess", "ExtensionProcess",
]  # fmt: skip


def _bulk_models() -> list[type[models.Model]]:
    return [model(name) for name in BULK] + [FlowProcess, FlowTask, FlowTask.previous.through]


def _generate(
    size: int,
    now: dt.datetime,
    seed: int,
    say: Callable[[str], None],
    chunk_tasks: int,
    workers: int,
) -> World:
    global _PLAN
    rng = random.Random(seed)
    world = World(now=now, size=size)
    loader = Loader()
    phase = time.monotonic()

    def lap(name: str) -> None:
        nonlocal phase
        world.phases[name] = time.monotonic() - phase
        phase = time.monotonic()

    members, officers = _people(loader, rng, world, size, now)
    loader.flush()
    say(
        f"{len(world.chair_ids)} committees, {len(world.head_ids)} agencies, "
        f"{loader.counts['agencies_user']} users"
    )
    Assignment = model("TaskAssignment")
    postgres = connection.vendor == "postgresql"
    tables = [m._meta.db_table for m in _bulk_models()]
    deferred = _defer_indexes(tables) if postgres else []
    lap("people")
    try:
        directives, flow_ids = _directives(loader, rng, world, size)
        loader.flush()
        plan = _Plan(
            now=now,
            today=now.astimezone(VIETNAM).date(),
            seed=seed,
            big_agency=world.big_agency_id,
            members=members,
            officers=officers,
            heads=world.head_ids,
            secretariat=world.secretariat_ids,
            chairs=world.chair_ids,
            directives=directives,
            flow_ids=flow_ids,
            chunk_tasks=chunk_tasks,
            say=say,
        )
        lap("directives")
        if workers == 1:
            counts = _write_tasks(plan, 0, 1, say)
        else:
            _PLAN = plan
            connections.close_all()  # the workers open their own; a fork must not share one
            context = multiprocessing.get_context("fork")
            with context.Pool(workers) as pool:
                shares = pool.starmap(_work, [(k, workers) for k in range(workers)])
            _PLAN = None
            counts = {}
            for share in shares:
                for table, n in share.items():
                    counts[table] = counts.get(table, 0) + n
        lap("tasks")
    finally:
        # Every index back, the tasks' last: their lead summary is written first (below).
        _build_indexes([d for d in deferred if d.table != Task._meta.db_table], workers)
    lap("indexes")
    for table, n in loader.counts.items():
        counts[table] = counts.get(table, 0) + n
    people = [model(name) for name in ("Committee", "Agency", "Membership", "User")]
    reset_sequences(people + _bulk_models())
    # Loaded behind the actions' back: the tasks' stored summary of their leads, set-wise.
    if postgres:
        with connection.cursor() as cursor:  # statistics first, or the planner guesses badly
            cursor.execute(f"ANALYZE {Task._meta.db_table}, {Assignment._meta.db_table}")
    _refresh_lead_summaries(sum(d.tasks for d in plan.directives), workers)
    lap("lead summaries")
    say(f"tasks' lead summaries: {world.phases['lead summaries']:,.0f} s")
    if postgres and not connection.in_atomic_block:
        _compact_after_update(Task._meta.db_table)
        lap("tasks vacuumed")
        say(f"tasks rewritten and analyzed: {world.phases['tasks vacuumed']:,.0f} s")
    _build_indexes([d for d in deferred if d.table == Task._meta.db_table], workers)
    lap("task indexes")
    world.counts = counts
    return world


def _work(worker: int, workers: int) -> dict[str, int]:
    """One worker process (forked: `_PLAN` is its parent's): its share of the directives' tasks,
    on its own connection, in one transaction."""
    plan = _PLAN
    assert plan is not None
    say = plan.say if worker == 0 else lambda _message: None
    try:
        with _foreign_keys_unchecked(), transaction.atomic():
            return _write_tasks(plan, worker, workers, say)
    finally:
        connection.close()


def _refresh_lead_summaries(tasks: int, workers: int) -> None:
    """One UPDATE over every task; with workers, one per slice of the ids (1..tasks), at once,
    then every lead and directive tally recounted once (each slice's agencies are nearly all
    of them)."""
    if workers == 1:
        Task.objects.all().refresh_lead_summary()
        return
    bounds = [tasks * k // workers for k in range(workers + 1)]

    def refresh(k: int) -> None:
        try:
            Task.objects.filter(pk__gt=bounds[k], pk__lte=bounds[k + 1]).refresh_lead_summary(
                tallies=False
            )
        finally:
            connection.close()  # this thread's

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(refresh, range(workers)))
    refresh_lead_tallies(model("TaskAssignment"), model("LeadTally"))
    refresh_directive_tallies(Task, model("DirectiveTally"))


def _compact_after_update(table: str) -> None:
    """The summary UPDATE wrote a second version of every task: half the table is dead rows,
    and its statistics (taken before it) miss the new summary columns. A plain VACUUM frees
    the dead rows' space but the file stays twice its size (20,000 tasks: 19 MB, 10 MB once
    rewritten), so every scan the bench times would read twice the pages. VACUUM FULL
    rewrites it (cheap here: its secondary indexes are built just after), ANALYZE renews the
    statistics. VACUUM cannot run in a transaction: scale.py's connection is in autocommit."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")


def _people(
    loader: Loader, rng: random.Random, world: World, size: int, now: dt.datetime
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Committees, agencies, memberships and users; returns each committee's member agencies
    and each agency's officers."""
    Committee, Agency, Membership, User = (
        model("Committee"),
        model("Agency"),
        model("Membership"),
        model("User"),
    )
    password = make_password(BENCH_PASSWORD)

    # Committees: one national, the rest provinces; the first province is the biggest.
    n_committees = _committee_count(size)
    world.national_id = 1
    world.big_province_id = 2
    for pk in range(1, n_committees + 1):
        place = "Toàn quốc" if pk == 1 else PROVINCES[(pk - 2) % len(PROVINCES)]
        loader.add(
            Committee,
            id=pk,
            code="bcd389" if pk == 1 else f"bcd389-p{pk:02d}",
            name="Ban Chỉ đạo 389 quốc gia" if pk == 1 else f"Ban Chỉ đạo 389 {place} ({pk})",
            level="national" if pk == 1 else "province",
            parent_id=None if pk == 1 else 1,
            place_name=place,
        )

    # Agencies: 2 % central (national committee's members), the rest shared by the provinces.
    n_agencies = _agency_count(size)
    central = max(4, n_agencies // 50)
    members: dict[int, list[int]] = {pk: [] for pk in range(1, n_committees + 1)}
    for pk in range(1, n_agencies + 1):
        kind, label = AGENCY_KINDS[pk % len(AGENCY_KINDS)]
        if pk <= central:
            committee = 1
            name = f"Bộ, ngành trung ương số {pk} ({label})"
        else:
            committee = 2 + (pk - central - 1) % (n_committees - 1)
            name = f"{label} {PROVINCES[(committee - 2) % len(PROVINCES)]} – đơn vị {pk}"
        loader.add(Agency, id=pk, code=f"A{pk:05d}", name=name, short_name=name[:60], kind=kind)
        members[committee].append(pk)
    world.big_agency_id = 1  # a central agency, also a member of the biggest province
    members[world.big_province_id].append(1)
    membership_id = 0
    for committee, agency_ids in members.items():
        for agency_id in agency_ids:
            membership_id += 1
            loader.add(Membership, id=membership_id, committee_id=committee, agency_id=agency_id)

    # Users: per agency three officers and a head; per committee a chair and two standing-office
    # staff; one administrator.
    user_id = 0
    officers: dict[int, list[int]] = {}
    agency_committee = {a: c for c, ids in members.items() for a in ids}

    def add_user(**values: object) -> int:
        nonlocal user_id
        user_id += 1
        loader.add(
            User,
            id=user_id,
            password=password,
            username=f"u{user_id}",
            email=f"u{user_id}@scale.example.vn",
            date_joined=now,
            is_active=True,
            digest_only=rng.random() < 0.1,
            **values,
        )
        return user_id

    world.admin_id = add_user(role="admin", full_name="Quản trị hệ thống", is_superuser=True)
    for committee in range(1, n_committees + 1):
        world.chair_ids[committee] = add_user(
            role="chair", committee_id=committee, full_name=f"Trưởng ban {committee}"
        )
        world.secretariat_ids[committee] = add_user(
            role="secretariat", committee_id=committee, full_name=f"Văn phòng {committee}"
        )
        add_user(role="secretariat", committee_id=committee, full_name=f"Chuyên viên {committee}")
    for agency in range(1, n_agencies + 1):
        committee = agency_committee[agency]
        officers[agency] = [
            add_user(
                role="agency_officer",
                agency_id=agency,
                committee_id=committee,
                full_name=f"Cán bộ {n} đơn vị {agency}",
            )
            for n in range(3)
        ]
        world.head_ids[agency] = add_user(
            role="agency_head",
            agency_id=agency,
            committee_id=committee,
            full_name=f"Thủ trưởng đơn vị {agency}",
        )
    return members, officers


@dataclass
class _FlowIds:
    """Keys of the viewflow rows: processes, their steps, and the steps' links to the previous
    step."""

    process: _Ids
    step: _Ids
    link: _Ids


def _directives(
    loader: Loader, rng: random.Random, world: World, size: int
) -> tuple[list[_Directive], _FlowIds]:
    """The directives and their flows; returns the plan of each directive's tasks and the keys
    the flows took."""
    Directive = model("Directive")
    now = world.now
    today = now.astimezone(VIETNAM).date()
    n_committees = len(world.chair_ids)
    # Directives: national 20 %, the biggest province 5 %, the rest shared.
    n_directives = max(2, size // TASKS_PER_DIRECTIVE)
    start_day = today - dt.timedelta(days=3 * 365)
    numbers: dict[tuple[int, int], int] = {}
    text = " ".join(f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} trên địa bàn." for _ in range(40))
    # Task counts per directive: 10-90 around 50, scaled so the total is exactly `size` (the
    # rounding's remainder goes one by one to the directives that lost most to it).
    weights = [rng.randint(10, 90) for _ in range(n_directives)]
    exact = [w * size / sum(weights) for w in weights]
    task_counts = [int(x) for x in exact]
    by_loss = sorted(range(n_directives), key=lambda d: task_counts[d] - exact[d])
    for d in by_loss[: size - sum(task_counts)]:
        task_counts[d] += 1
    flow_ids = _FlowIds(process=_Ids(), step=_Ids(), link=_Ids())
    plans = []
    first_task = 1
    for d in range(n_directives):
        r = rng.random()
        committee = 1 if r < 0.20 else world.big_province_id if r < 0.25 else None
        if committee is None:
            committee = rng.randint(3, n_committees) if n_committees > 2 else 2
        issued = start_day + dt.timedelta(days=rng.randint(0, 3 * 365 - 10))
        year_key = (committee, issued.year)
        numbers[year_key] = numbers.get(year_key, 0) + 1
        state_roll = rng.random()
        state = (
            "draft"
            if state_roll < 0.02
            else "awaiting_approval"
            if state_roll < 0.03
            else "closed"
            if state_roll < 0.08 and issued < today - dt.timedelta(days=400)
            else "issued"
        )
        verb, obj = rng.choice(VERBS), rng.choice(OBJECTS)
        subject = f"Kế hoạch {verb.lower()} {obj} năm {issued.year}"
        directive_id = d + 1
        created = dt.datetime.combine(issued, dt.time(8), tzinfo=VIETNAM)
        loader.add(
            Directive,
            id=directive_id,
            committee_id=committee,
            doc_type="KH",
            number=numbers[year_key],
            symbol="KH-BCĐ389",
            issuer_name="Ban Chỉ đạo 389",
            signer_name="Trưởng ban",
            issued_on=issued,
            year=issued.year,
            subject=subject,
            text=text,
            state=state,
            search_text=subject.lower(),
            created_at=created,
            updated_at=created,
            created_by_id=world.secretariat_ids[committee],
        )
        _directive_flow(
            loader, flow_ids, directive_id, state, created.astimezone(dt.UTC), _assigned_at(issued),
            world.secretariat_ids[committee], world.chair_ids[committee],
        )  # fmt: skip
        plans.append(_Directive(directive_id, committee, issued, state, task_counts[d], first_task))
        first_task += task_counts[d]
    return plans, flow_ids


def _assigned_at(issued: dt.date) -> dt.datetime:
    """When a directive's tasks went out: 09:00 the day after it was issued."""
    moment = dt.datetime.combine(issued + dt.timedelta(days=1), dt.time(9), tzinfo=VIETNAM)
    return moment.astimezone(dt.UTC)


def _directive_flow(
    loader: Loader,
    ids: _FlowIds,
    directive_id: int,
    state: str,
    created: dt.datetime,
    dispatched: dt.datetime,
    secretariat: int,
    chair: int,
) -> None:
    """The directive's flow as its pages leave it (workflows/flows.py: DirectiveFlow): registered,
    broken down by the standing office, approved by the chair, dispatched, then waiting to be
    closed (or closed)."""
    flow = DirectiveFlow
    broken_down = created + dt.timedelta(hours=2)
    approved = dispatched - dt.timedelta(hours=1)
    steps: list[tuple] = [(flow.adopt, created, created, None)]
    if state == "draft":
        steps.append((flow.break_down, created, None, None))
    elif state == "awaiting_approval":
        steps += [(flow.break_down, created, broken_down, secretariat)]
        steps.append((flow.approve, broken_down, None, None))
    else:
        steps += [
            (flow.break_down, created, broken_down, secretariat),
            (flow.approve, broken_down, approved, chair),
            (flow.check_approval, approved, approved, None),
            (flow.dispatch, approved, dispatched, secretariat),
        ]
        if state == "closed":
            closed = dispatched + dt.timedelta(days=400)
            steps += [
                (flow.close, dispatched, closed, secretariat),
                (flow.end, closed, closed, None),
            ]
        else:
            steps.append((flow.close, dispatched, None, None))
    _flow(loader, ids, model("DirectiveProcess"), {"directive_id": directive_id}, flow, steps)


@cache
def _flow_class(flow: type[Flow]) -> str:
    return FlowProcess._meta.get_field("flow_class").get_prep_value(flow)


@cache
def _node(node: Node) -> tuple[str, str, str | None]:
    """A step's reference, kind and (for a person's step) permission name, as viewflow stores
    them."""
    kind = node.task_type
    permission = node.calc_owner_permission(None) if kind == "HUMAN" else None
    return FlowTask._meta.get_field("flow_task").get_prep_value(node), kind, permission


def _flow(
    loader: Loader,
    ids: _FlowIds,
    process_model: type[models.Model],
    subject: dict[str, int],
    flow: type[Flow],
    steps: list[tuple],
) -> None:
    """A process of `flow` for `subject` and the steps it took: (node, created, finished or
    None while it waits, who did it)."""
    process_id = ids.process()
    done = steps[-1][0] is flow.end
    loader.add(
        FlowProcess,
        id=process_id,
        # viewflow ships no types: mypy takes its flow classes as type[Any], which it does not
        # count as Hashable (the cache's key), though every class is.
        flow_class=_flow_class(flow),  # type: ignore[arg-type]
        status=(PROCESS.DONE if done else PROCESS.NEW).value,
        created=steps[0][1],
        finished=steps[-1][2] if done else None,
    )
    loader.add(process_model, process_ptr_id=process_id, **subject)
    previous = None
    for node, created, finished, owner in steps:
        step_id = ids.step()
        reference, kind, permission = _node(node)
        started = None
        if finished is not None and kind != "EXCLUSIVE_GATEWAY":
            started = finished if kind == "HUMAN" else created
        loader.add(
            FlowTask,
            id=step_id,
            process_id=process_id,
            flow_task=reference,
            flow_task_type=kind,
            status=(STATUS.DONE if finished else STATUS.NEW).value,
            created=created,
            started=started,
            finished=finished,
            owner_id=owner,
            owner_permission=permission,
        )
        if previous is not None:
            loader.add(
                FlowTask.previous.through, id=ids.link(), from_task_id=step_id, to_task_id=previous
            )
        previous = step_id


@dataclass
class _TaskIds:
    assignment: _Ids
    extension: _Ids
    event: _Ids
    report: _Ids
    notification: _Ids
    flow: _FlowIds


def _write_tasks(
    plan: _Plan, worker: int, workers: int, say: Callable[[str], None]
) -> dict[str, int]:
    """The tasks of every `workers`-th directive from the `worker`-th, and everything under
    them; returns the rows written per table."""
    started = time.monotonic()
    loader = Loader()
    clock = _Clock()
    flow = plan.flow_ids

    def keys(after: int = 0) -> _Ids:  # this worker's share of one kind's keys
        return _Ids(after, worker, workers)

    ids = _TaskIds(
        assignment=keys(),
        extension=keys(),
        event=keys(),
        report=keys(),
        notification=keys(),
        flow=_FlowIds(keys(flow.process.last), keys(flow.step.last), keys(flow.link.last)),
    )
    classes = tuple(
        model(name)
        for name in (
            "Task",
            "TaskAssignment",
            "Extension",
            "TaskEvent",
            "TaskReport",
            "Notification",
        )
    )
    mine = plan.directives[worker::workers]
    total = sum(d.tasks for d in plan.directives)
    written = unflushed = 0
    for directive in mine:
        committee = directive.committee
        _tasks_of(
            loader,
            random.Random(plan.seed * 1_000_003 + directive.id),
            clock,
            ids,
            plan,
            directive=directive,
            dispatched=directive.state not in ("draft", "awaiting_approval"),
            members=plan.members[committee],
            secretariat=plan.secretariat[committee],
            classes=classes,
        )
        written += directive.tasks
        unflushed += directive.tasks
        if unflushed >= plan.chunk_tasks:
            loader.flush()
            unflushed = 0
            seconds = time.monotonic() - started
            say(f"~{written * workers:,} of {total:,} tasks written ({seconds:.0f} s)")
    loader.flush()
    return loader.counts


def _pick_agencies(
    rng: random.Random, members: list[int], big: int, leads: int, coords: int
) -> tuple[list[int], list[int]]:
    chosen: list[int] = []
    # The big agency leads ~22 % of its committees' tasks: ~5 % of all.
    if big in members and rng.random() < 0.22:
        chosen.append(big)
    pool = [a for a in members if a not in chosen]
    chosen += rng.sample(pool, min(leads + coords - len(chosen), len(pool)))
    return chosen[:leads], chosen[leads:]


def _between(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    if end <= start:
        return start
    return start + dt.timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))


def _tasks_of(
    loader: Loader,
    rng: random.Random,
    clock: _Clock,
    ids: _TaskIds,
    plan: _Plan,
    *,
    directive: _Directive,
    dispatched: bool,
    members: list[int],
    secretariat: int,
    classes: tuple[type[models.Model], ...],
) -> None:
    Task, Assignment, _Extension, _Event, _Report, _Notification = classes
    now, issued = plan.now, directive.issued
    assigned_at = _assigned_at(issued)
    created_at = assigned_at - dt.timedelta(hours=20)
    no_deadline = rng.random() < 0.05
    for position in range(1, directive.tasks + 1):
        task_id = directive.first_task + position - 1
        deadline = None if no_deadline else issued + dt.timedelta(days=rng.randint(20, 420))
        due_at = clock.end(deadline) if deadline else None
        cancelled = dispatched and rng.random() < 0.01
        lead_ids, coord_ids = _pick_agencies(
            rng, members, plan.big_agency, rng.choice(LEAD_COUNTS), rng.choice(COORD_COUNTS)
        )
        verb, obj = rng.choice(VERBS), rng.choice(OBJECTS)
        title = f"{verb} {obj}, tuyến số {task_id}; xử lý nghiêm các vụ việc vi phạm"
        parts = []
        for agency in lead_ids:
            parts.append(
                _lead_part(rng, clock, agency, deadline, due_at, assigned_at, now, dispatched)
            )
        if cancelled:
            for part in parts:
                part["state"] = "cancelled"
        all_accepted = bool(parts) and all(p["state"] == "accepted" for p in parts)
        task_state = (
            "draft"
            if not dispatched
            else "cancelled"
            if cancelled
            else "completed"
            if all_accepted
            else "assigned"
        )
        completed_at = max(p["accepted_at"] for p in parts) if task_state == "completed" else None
        loader.add(
            Task,
            id=task_id,
            directive_id=directive.id,
            ref=f"{position}",
            position=position,
            title=title,
            content=f"{title}. Báo cáo kết quả về Thường trực Ban Chỉ đạo.",
            deadline=deadline,
            deadline_kind="date" if deadline else "none",
            due_at=due_at,
            state=task_state,
            assigned_at=assigned_at if dispatched else None,
            completed_at=completed_at,
            cancelled_reason="Không còn phù hợp" if cancelled else "",
            created_at=created_at,
            updated_at=completed_at or assigned_at,
        )
        _event(loader, ids, task_id, created_at, "created", secretariat)
        for agency, part in zip(lead_ids, parts, strict=True):
            _write_part(
                loader, rng, ids, clock, plan, task_id, agency, part, secretariat, dispatched,
                classes, committee=directive.committee,
            )  # fmt: skip
        for agency in coord_ids:
            state = "draft" if not dispatched else "cancelled" if cancelled else "assigned"
            loader.add(
                Assignment,
                id=ids.assignment(),
                task_id=task_id,
                agency_id=agency,
                committee_id=directive.committee,
                role="coordinating",
                state=state,
                deadline=deadline,
                due_at=due_at,
                original_deadline=deadline,
                assigned_at=assigned_at if dispatched else None,
            )
            if dispatched:
                _event(loader, ids, task_id, assigned_at, "assigned", secretariat, agency)


def _lead_part(
    rng: random.Random,
    clock: _Clock,
    agency: int,
    deadline: dt.date | None,
    due_at: dt.datetime | None,
    assigned_at: dt.datetime,
    now: dt.datetime,
    dispatched: bool,
) -> dict:
    """One lead's part: a state its deadline makes plausible, with the instants it implies."""
    part: dict = {"agency": agency, "deadline": deadline, "due_at": due_at}
    part["original_deadline"] = deadline
    if not dispatched:
        part["state"] = "draft"
        return part
    part["assigned_at"] = assigned_at
    r = rng.random()
    # Extensions: ~6 % approved (the deadline moved later), before the original deadline.
    if deadline and rng.random() < 0.06:
        original = deadline - dt.timedelta(days=rng.randint(15, 60))
        if clock.end(original) > assigned_at + dt.timedelta(days=3):
            part["original_deadline"] = original
            part["extension"] = "approved"
    elif deadline and rng.random() < 0.01:
        part["extension"] = "rejected"
    passed = due_at is not None and due_at < now
    if due_at is None:
        state = "accepted" if r < 0.3 else "in_progress"
        on_time = True
    elif passed:
        states = [
            (0.62, "accepted", True),
            (0.77, "accepted", False),
            (0.80, "reported", True),
            (0.83, "reported", False),
            (0.86, "returned", False),
            (0.90, "awaiting_head", False),
            (0.97, "in_progress", False),
            (1.00, "assigned", False),
        ]
        state, on_time = next((s, t) for limit, s, t in states if r < limit)
    else:
        states = [
            (0.25, "accepted", True),
            (0.35, "reported", True),
            (0.40, "awaiting_head", True),
            (0.90, "in_progress", True),
            (1.00, "assigned", True),
        ]
        state, on_time = next((s, t) for limit, s, t in states if r < limit)
    part["state"] = state
    if state != "assigned":
        part["acknowledged_at"] = assigned_at + dt.timedelta(hours=rng.randint(2, 72))
    if state in ("reported", "accepted", "returned"):
        if due_at is None:
            reported = _between(rng, part["acknowledged_at"], now)
        elif on_time:
            reported = _between(rng, part["acknowledged_at"], min(due_at, now))
        else:
            reported = _between(rng, due_at + dt.timedelta(hours=2), now)
        part["reported_at"] = reported
        if state == "accepted":
            part["result_reported_at"] = reported
            part["accepted_at"] = min(now, reported + dt.timedelta(hours=rng.randint(1, 120)))
    if (
        state in ("assigned", "in_progress", "awaiting_head", "returned")
        and due_at
        and not passed
        and rng.random() < 0.01
    ):
        part["extension"] = "requested"
    return part


def _event(
    loader: Loader,
    ids: _TaskIds,
    task_id: int,
    at: dt.datetime,
    kind: str,
    actor: int | None,
    agency: int | None = None,
    from_value: str = "",
    to_value: str = "",
) -> None:
    loader.add(
        model("TaskEvent"),
        id=ids.event(),
        task_id=task_id,
        created_at=at,
        kind=kind,
        actor_id=actor,
        agency_id=agency,
        from_value=from_value,
        to_value=to_value,
    )


def _write_part(
    loader: Loader,
    rng: random.Random,
    ids: _TaskIds,
    clock: _Clock,
    plan: _Plan,
    task_id: int,
    agency: int,
    part: dict,
    secretariat: int,
    dispatched: bool,
    classes: tuple[type[models.Model], ...],
    *,
    committee: int,
) -> None:
    _Task, Assignment, Extension, _Event, Report, Notification = classes
    now, today = plan.now, plan.today
    assignment_id = ids.assignment()
    officer = rng.choice(plan.officers[agency]) if part["state"] != "draft" else None
    loader.add(
        Assignment,
        id=assignment_id,
        task_id=task_id,
        agency_id=agency,
        committee_id=committee,
        role="lead",
        state=part["state"],
        officer_id=officer,
        deadline=part["deadline"],
        due_at=part["due_at"],
        original_deadline=part["original_deadline"],
        assigned_at=part.get("assigned_at"),
        acknowledged_at=part.get("acknowledged_at"),
        reported_at=part.get("reported_at"),
        result_reported_at=part.get("result_reported_at"),
        accepted_at=part.get("accepted_at"),
    )
    if not dispatched:
        return
    assigned_at = part["assigned_at"]
    _event(loader, ids, task_id, assigned_at, "assigned", secretariat, agency)
    if part.get("acknowledged_at"):
        _event(
            loader, ids, task_id, part["acknowledged_at"], "transition", officer, agency,
            "assigned", "in_progress",
        )  # fmt: skip
    extension = part.get("extension")
    if extension:
        extension_id = ids.extension()
        original = part["original_deadline"]
        asked = assigned_at + dt.timedelta(days=2)
        requested = (
            part["deadline"]
            if extension == "approved"
            else part["deadline"] + dt.timedelta(days=30)
        )
        loader.add(
            Extension,
            id=extension_id,
            task_id=task_id,
            assignment_id=assignment_id,
            agency_id=agency,
            requested_by_id=officer,
            requested_at=asked,
            current_deadline=original,
            requested_deadline=requested,
            reason="Khối lượng công việc lớn, cần thêm thời gian xác minh.",
            state=extension,
            decided_by_id=secretariat if extension != "requested" else None,
            decided_at=asked + dt.timedelta(days=1) if extension != "requested" else None,
        )
        _event(loader, ids, task_id, asked, "extension_requested", officer, agency)
        # Its flow (workflows/flows.py: ExtensionFlow), as services.request_extension starts it.
        steps: list[tuple] = [(ExtensionFlow.start, asked, asked, None)]
        if extension == "requested":
            steps.append((ExtensionFlow.decide, asked, None, None))
        else:
            decided = asked + dt.timedelta(days=1)
            _event(
                loader, ids, task_id, decided, f"extension_{extension}", secretariat, agency,
                original.isoformat(), requested.isoformat(),
            )  # fmt: skip
            steps += [
                (ExtensionFlow.decide, asked, decided, secretariat),
                (ExtensionFlow.end, decided, decided, None),
            ]
        _flow(
            loader, ids.flow, model("ExtensionProcess"), {"extension_id": extension_id},
            ExtensionFlow, steps,
        )  # fmt: skip
    due_at = part["due_at"]
    state = part["state"]
    reported = part.get("reported_at")
    if reported:
        loader.add(
            Report,
            id=ids.report(),
            task_id=task_id,
            assignment_id=assignment_id,
            kind="result",
            agency_id=agency,
            text="Đơn vị đã triển khai thực hiện; kết quả cụ thể như sau: đã kiểm tra 12 vụ.",
            submitted_by_id=officer,
            submitted_at=reported,
            outcome={"accepted": "accepted", "returned": "returned"}.get(state, "pending"),
            reviewed_by_id=secretariat if state in ("accepted", "returned") else None,
            reviewed_at=part.get("accepted_at") or (reported if state == "returned" else None),
        )
        _event(
            loader, ids, task_id, reported, "transition", officer, agency, "in_progress",
            "reported",
        )  # fmt: skip
    if part.get("accepted_at"):
        _event(
            loader, ids, task_id, part["accepted_at"], "transition", secretariat, agency,
            "reported", "accepted",
        )  # fmt: skip
    # "Deadline passed", as the tick writes it the first time a part is seen late.
    late = due_at is not None and due_at < now and (reported is None or reported > due_at)
    if late:
        _event(loader, ids, task_id, due_at + dt.timedelta(minutes=1), "overdue", None, agency)
        # Past notices: the head was told on some of the last sixty days.
        head = plan.heads[agency]
        for back in (1, 8, 15, 29, 43, 57):
            day = today - dt.timedelta(days=back)
            moment = dt.datetime.combine(day, dt.time(8, 5), tzinfo=VIETNAM)
            if moment <= due_at or rng.random() < 0.5:
                continue
            loader.add(
                Notification,
                id=ids.notification(),
                recipient_id=head,
                kind="overdue",
                object_key=f"assignment:{assignment_id}",
                period=day.isoformat(),
                task_id=task_id,
                due_at=due_at,
                title=f"Quá hạn: nhiệm vụ {task_id}",
                body="Nhiệm vụ đã quá hạn.",
                url=f"/tasks/{task_id}/",
                created_at=moment,
                read_at=moment + dt.timedelta(hours=3) if rng.random() < 0.6 else None,
                email_wanted=True,
                emailed_at=moment + dt.timedelta(minutes=1),
            )
