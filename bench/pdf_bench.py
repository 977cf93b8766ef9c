"""Benchmark: a 5,000-row task table laid out on A4 pages of Nghị định 30/2020, and the
memory a large spreadsheet export needs.

    .venv/bin/python bench/pdf_bench.py [ROWS ...]

Prints rows, pages and seconds per size, so a quadratic split shows at once (double the rows
should double the time), then the peak memory of .xlsx exports of growing size (it should stay
flat: rows stream to a temporary file). Not run by CI.
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

import django

django.setup()

from exports.pdf.appendix import ALIGN, HEADER, WIDTHS  # noqa: E402
from exports.pdf.layout import DocumentMeta, build_pdf, columns, data_table, para  # noqa: E402


def rows(count: int) -> list[list[str]]:
    return [
        [
            f"II.{n}",
            f"Tăng cường kiểm tra, kiểm soát hàng hóa nhập lậu qua biên giới, tuyến số {n}; "
            "xử lý nghiêm các vụ việc vi phạm",
            "Công an tỉnh Kiên Giang",
            "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Kiên Giang",
            "31/12/2020",
            "Đã giao",
            f"Đang thực hiện quá hạn ({n % 90} ngày)",
        ]
        for n in range(1, count + 1)
    ]


def run(count: int) -> tuple[int, float, float]:
    """Pages, wall seconds and CPU seconds (CPU is steadier on a shared machine)."""
    meta = DocumentMeta(title="Bench", landscape=True)
    data = rows(count)
    started, cpu = time.perf_counter(), time.process_time()
    table = data_table(HEADER, data, columns(meta, WIDTHS), align=ALIGN)
    pdf = build_pdf([para("Phụ lục", "title"), table], meta)
    return (
        pdf.count(b"/Type /Page\n"),
        time.perf_counter() - started,
        time.process_time() - cpu,
    )


def xlsx_peak(count: int) -> float:
    """Peak traced memory (MiB) of exporting `count` task-like rows, without a database."""
    import datetime as dt
    import tempfile
    from collections.abc import Iterator
    from types import SimpleNamespace

    from agencies.models import Committee, User
    from exports.pdf.queries import ReportFilters
    from exports.spreadsheets import SHEETS, Column, Sheet, write_xlsx

    def fake_rows(filters: ReportFilters, user: User | None) -> Iterator[SimpleNamespace]:
        for n in range(count):
            yield SimpleNamespace(
                ref=f"II.{n}",
                title=f"Kiểm tra hàng nhập lậu số {n}",
                deadline=dt.date(2024, 12, 31),
                days=n % 90,
            )

    SHEETS["bench"] = lambda: Sheet(
        "Bench",
        [
            Column("Số TT", 8, lambda t: t.ref),
            Column("Nội dung nhiệm vụ", 60, lambda t: t.title),
            Column("Thời hạn", 12, lambda t: t.deadline, "date"),
            Column("Số ngày quá hạn", 10, lambda t: t.days, "int"),
        ],
        fake_rows,
        lambda filters, user: count,
    )
    filters = ReportFilters(committee=Committee(code="bench", name="Ban Chỉ đạo 389"))
    tracemalloc.start()
    with tempfile.TemporaryFile() as out:
        write_xlsx("bench", filters, out)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [1250, 2500, 5000]
    print(f"{'rows':>6} {'pages':>6} {'wall s':>8} {'cpu s':>8}")
    for size in sizes:
        pages, seconds, cpu = run(size)
        print(f"{size:>6} {pages:>6} {seconds:>8.2f} {cpu:>8.2f}")
    print(f"\n{'xlsx rows':>9} {'peak MiB':>9}")
    for size in (5_000, 50_000):
        print(f"{size:>9} {xlsx_peak(size):>9.1f}")
