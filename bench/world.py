"""A realistic national world of any size, loaded fast: PostgreSQL's COPY (psycopg 3
`cursor.copy`), or plain `executemany` on SQLite (the CI smoke test).

    generate(size=1_000_000, now=...)  # 1M tasks, 20,000 directives, 5,000 agencies, ~20k users

The shape follows the issue-11 measurements: 64 committees (one national, the rest provincial),
one agency leading ~5 % of all tasks (a member of the national committee and of the biggest
province), 1-3 lead agencies and 0-2 co-ordinators a task, deadlines spread over three years
before `now` and one after, each lead's part in a state its deadline makes plausible (done on
time, done late, reported and waiting for review, returned, overdue...), extensions approved,
rejected and pending, the history entries those moves leave (including the "deadline passed"
entry the tick writes, so an idle tick has nothing to do), result reports, and two months of
notifications. Rows are built as dicts of attribute names; the loader fills every other column
from the model's own defaults, so a column added later does not break it.

Never point it at real data: it writes explicit primary keys into empty tables.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models
from psycopg.copy import QueuedLibpqWriter

from tasks.deadlines import VIETNAM, deadline_end

BENCH_PASSWORD = "scale-bench-389"  # every generated user's password (a scratch database)
TASKS_PER_DIRECTIVE = 50
OUR_APPS = {"agencies", "documents", "tasks", "chasing", "reporting", "exports", "workflows"}


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
    """One model's columns, in table order, with each column's default."""

    def __init__(self, model_class: type[models.Model]) -> None:
        self.model = model_class
        self.table = model_class._meta.db_table
        self.fields = list(model_class._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.attnames = [f.attname for f in self.fields]
        self.defaults = [self._default(f) for f in self.fields]
        self._positions: dict[tuple[str, ...], tuple[int, ...]] = {}

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
        positions = self._positions.get(keys)
        if positions is None:
            positions = self._positions[keys] = self._check(keys)
        out = list(self.defaults)
        for position, value in zip(positions, values.values(), strict=True):
            out[position] = value
        return tuple(out)

    def _check(self, keys: tuple[str, ...]) -> tuple[int, ...]:
        """Where each given attribute goes; every column without a default must be given."""
        index = {a: i for i, a in enumerate(self.attnames)}
        missing = [
            a for a, d in zip(self.attnames, self.defaults, strict=True)
            if d is _REQUIRED and a not in keys
        ]  # fmt: skip
        unknown = [k for k in keys if k not in index]
        if missing or unknown:
            raise ValueError(f"{self.table}: missing {missing}, unknown {unknown}")
        return tuple(index[k] for k in keys)


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
            # A writer thread: the server ingests while Python builds the next rows.
            writer = QueuedLibpqWriter(raw)
            with raw.copy(f"COPY {table.table} ({columns}) FROM STDIN", writer=writer) as copy:
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

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.tables))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


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


def generate(
    size: int,
    now: dt.datetime,
    *,
    seed: int = 389,
    progress: Callable[[str], None] | None = None,
    chunk_tasks: int = 50_000,
) -> World:
    """Fill an empty, migrated database with `size` tasks and everything around them."""
    started = time.monotonic()
    say = progress or (lambda _message: None)
    with _triggers_off():
        world = _generate(size, now, seed, say, chunk_tasks)
    world.seconds = time.monotonic() - started
    return world


@contextmanager
def _triggers_off() -> Iterator[None]:
    """PostgreSQL: no per-row foreign-key checks while loading (the generator only writes keys
    it made); the scratch database's superuser may."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")


def _generate(
    size: int, now: dt.datetime, seed: int, say: Callable[[str], None], chunk_tasks: int
) -> World:
    started = time.monotonic()
    rng = random.Random(seed)
    clock = _Clock()
    world = World(now=now, size=size)
    loader = Loader()
    Committee, Agency, Membership, User = (
        model("Committee"),
        model("Agency"),
        model("Membership"),
        model("User"),
    )
    Directive, Task, Assignment = model("Directive"), model("Task"), model("TaskAssignment")
    Extension, Event, Report = model("Extension"), model("TaskEvent"), model("TaskReport")
    Notification = model("Notification")
    today = now.astimezone(VIETNAM).date()
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

    # Users: per agency two officers, a head and one more officer; per committee a chair and
    # two standing-office staff; one administrator.
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
    loader.flush()
    say(f"{n_committees} committees, {n_agencies} agencies, {user_id} users")

    # Directives: national 20 %, the biggest province 5 %, the rest shared.
    n_directives = max(2, size // TASKS_PER_DIRECTIVE)
    start_day = today - dt.timedelta(days=3 * 365)
    ids = _Ids()
    numbers: dict[tuple[int, int], int] = {}
    text = " ".join(f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} trên địa bàn." for _ in range(40))
    # Task counts per directive: 10-90 around 50, scaled so the total is `size`.
    weights = [rng.randint(10, 90) for _ in range(n_directives)]
    scale = size / sum(weights)
    task_counts = [max(1, round(w * scale)) for w in weights]
    task_counts[-1] = max(1, task_counts[-1] + size - sum(task_counts))
    tasks_done = 0
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
        _tasks_of(
            loader,
            rng,
            clock,
            ids,
            now=now,
            today=today,
            directive_id=directive_id,
            committee=committee,
            count=task_counts[d],
            issued=issued,
            dispatched=state not in ("draft", "awaiting_approval"),
            members=members[committee],
            big_agency=world.big_agency_id,
            officers=officers,
            heads=world.head_ids,
            secretariat=world.secretariat_ids[committee],
            classes=(Task, Assignment, Extension, Event, Report, Notification),
        )
        tasks_done += task_counts[d]
        if ids.task >= chunk_tasks * (ids.flushed + 1):
            ids.flushed += 1
            loader.flush()
            say(f"{tasks_done:,} tasks written ({time.monotonic() - started:.0f} s)")
    loader.flush()
    loader.reset_sequences()
    # Loaded behind the actions' back: the tasks' stored summary of their leads, set-wise.
    summary_started = time.monotonic()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # statistics first, or the planner guesses badly
            cursor.execute(f"ANALYZE {Task._meta.db_table}, {Assignment._meta.db_table}")
    Task.objects.all().refresh_lead_summary()
    say(f"tasks' lead summaries: {time.monotonic() - summary_started:,.0f} s")
    world.counts = dict(loader.counts)
    return world


@dataclass
class _Ids:
    task: int = 0
    assignment: int = 0
    extension: int = 0
    event: int = 0
    report: int = 0
    notification: int = 0
    flushed: int = 0


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
    ids: _Ids,
    *,
    now: dt.datetime,
    today: dt.date,
    directive_id: int,
    committee: int,
    count: int,
    issued: dt.date,
    dispatched: bool,
    members: list[int],
    big_agency: int,
    officers: dict[int, list[int]],
    heads: dict[int, int],
    secretariat: int,
    classes: Iterable[type[models.Model]],
) -> None:
    Task, Assignment, Extension, Event, Report, Notification = classes
    assigned_at = dt.datetime.combine(issued + dt.timedelta(days=1), dt.time(9), tzinfo=VIETNAM)
    assigned_at = assigned_at.astimezone(dt.UTC)
    created_at = assigned_at - dt.timedelta(hours=20)
    no_deadline = rng.random() < 0.05
    for position in range(1, count + 1):
        ids.task += 1
        task_id = ids.task
        deadline = None if no_deadline else issued + dt.timedelta(days=rng.randint(20, 420))
        due_at = clock.end(deadline) if deadline else None
        cancelled = dispatched and rng.random() < 0.01
        lead_ids, coord_ids = _pick_agencies(
            rng, members, big_agency, rng.choice(LEAD_COUNTS), rng.choice(COORD_COUNTS)
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
            directive_id=directive_id,
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
                loader, rng, ids, clock, task_id, agency, part, now, today, officers, heads,
                secretariat, dispatched, classes,
            )  # fmt: skip
        for agency in coord_ids:
            ids.assignment += 1
            state = "draft" if not dispatched else "cancelled" if cancelled else "assigned"
            loader.add(
                Assignment,
                id=ids.assignment,
                task_id=task_id,
                agency_id=agency,
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
    ids: _Ids,
    task_id: int,
    at: dt.datetime,
    kind: str,
    actor: int | None,
    agency: int | None = None,
    from_value: str = "",
    to_value: str = "",
) -> None:
    ids.event += 1
    loader.add(
        model("TaskEvent"),
        id=ids.event,
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
    ids: _Ids,
    clock: _Clock,
    task_id: int,
    agency: int,
    part: dict,
    now: dt.datetime,
    today: dt.date,
    officers: dict[int, list[int]],
    heads: dict[int, int],
    secretariat: int,
    dispatched: bool,
    classes: Iterable[type[models.Model]],
) -> None:
    _Task, Assignment, Extension, _Event, Report, Notification = classes
    ids.assignment += 1
    assignment_id = ids.assignment
    officer = rng.choice(officers[agency]) if part["state"] != "draft" else None
    loader.add(
        Assignment,
        id=assignment_id,
        task_id=task_id,
        agency_id=agency,
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
        ids.extension += 1
        original = part["original_deadline"]
        asked = assigned_at + dt.timedelta(days=2)
        requested = (
            part["deadline"]
            if extension == "approved"
            else part["deadline"] + dt.timedelta(days=30)
        )
        loader.add(
            Extension,
            id=ids.extension,
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
        if extension != "requested":
            _event(
                loader, ids, task_id, asked + dt.timedelta(days=1), f"extension_{extension}",
                secretariat, agency, original.isoformat(), requested.isoformat(),
            )  # fmt: skip
    due_at = part["due_at"]
    state = part["state"]
    reported = part.get("reported_at")
    if reported:
        ids.report += 1
        loader.add(
            Report,
            id=ids.report,
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
        head = heads[agency]
        for back in (1, 8, 15, 29, 43, 57):
            day = today - dt.timedelta(days=back)
            moment = dt.datetime.combine(day, dt.time(8, 5), tzinfo=VIETNAM)
            if moment <= due_at or rng.random() < 0.5:
                continue
            ids.notification += 1
            loader.add(
                Notification,
                id=ids.notification,
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
