import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.factories import AgencyAliasFactory, AgencyFactory, CommitteeFactory, MembershipFactory

from .conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[2]
SEED_003 = SAMPLES / "seed_003_kg_tb_ket_luan.txt"


@pytest.fixture
def kg_committee(db):
    committee = CommitteeFactory(
        code="bcd389-kg", name="Ban Chỉ đạo 389 tỉnh Kiên Giang", place_name="Kiên Giang"
    )
    data = json.loads((SAMPLES / "committees" / "KG.json").read_text(encoding="utf-8"))
    for item in data["agencies"]:
        agency = AgencyFactory(
            code=item["code"], name=item["name"], short_name=item["short_name"], kind=item["kind"]
        )
        for alias in item["aliases"]:
            AgencyAliasFactory(agency=agency, alias=alias)
        MembershipFactory(committee=committee, agency=agency)
    committee.standing_agency = agency.__class__.objects.get(code=data["standing"])
    committee.save()
    return committee


def run(*args):
    out = StringIO()
    call_command("breakdown", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_json_is_one_object_with_the_tasks(kg_committee):
    result = json.loads(run(str(SEED_003), "--committee", "bcd389-kg", "--format", "json"))
    assert result["directive"]["doc_type"] == "TB"
    tasks = {task["ref"]: task for task in result["tasks"]}
    assert tasks["II.6"]["lead"] == ["KG-BDBP"]
    # Hà Tiên's request is answered: it leads, the other two co-ordinate (issue 15).
    assert tasks["III.3.b"]["lead"] == ["KG-HT"]
    assert sorted(tasks["III.3.b"]["support"]) == ["KG-BDBP", "KG-CA"]
    assert tasks["III.5"]["deadline"] == "2020-12-31"
    assert tasks["II.2"]["support"] == ["KG-SCT"]  # "Cơ quan Thường trực": the standing agency
    assert result["unmatched"] == []


@pytest.mark.django_db
def test_table_is_for_a_person(kg_committee):
    table = run(str(SEED_003), "--committee", "bcd389-kg", "--format", "table")
    assert "III.3.b" in table
    assert "Chủ trì: Bộ đội Biên phòng tỉnh (KG-BDBP)" in table or "BĐBP tỉnh (KG-BDBP)" in table
    assert "Tất cả thành viên" in table
    assert "31/12/2020" in table
    assert "Tổng số nhiệm vụ đề xuất: 13" in table  # with the opening request (issue 15)


@pytest.mark.django_db
def test_unknown_committee(kg_committee):
    with pytest.raises(CommandError, match="Không tìm thấy Ban Chỉ đạo"):
        run(str(SEED_003), "--committee", "khong-co")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "không có nội dung"), (b"\xff\xfe\xfa bad", "UTF-8")],
)
def test_bad_files(kg_committee, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(path), "--committee", "bcd389-kg")


@pytest.mark.django_db
def test_missing_file(kg_committee, tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        run(str(tmp_path / "none.txt"), "--committee", "bcd389-kg")


def test_cli_error_is_one_line_without_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "breakdown", str(tmp_path / "none.txt"), "--committee", "x"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Không tìm thấy tệp" in result.stderr
