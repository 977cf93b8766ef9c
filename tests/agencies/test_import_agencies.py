"""The import command on good, re-imported, edited and bad files."""

import pytest
from django.core.management import CommandError, call_command

from agencies.models import Agency, AgencyAlias, Committee, Membership

HEADER = "code,name,short_name,aliases,kind,parent_code\n"
GOOD = HEADER + (
    "KG-UBND,Ủy ban nhân dân tỉnh Kiên Giang,UBND tỉnh,,province,\n"
    "KG-CA,Công an tỉnh Kiên Giang,Công an tỉnh,CA tỉnh;Công an Kiên Giang,police,KG-UBND\n"
    'KG-BDBP,"Bộ Chỉ huy Bộ đội Biên phòng tỉnh Kiên Giang",BĐBP tỉnh,BĐBP;Biên phòng tỉnh,border_guard,\n'
    "KG-QLTT,Chi cục Quản lý thị trường tỉnh Kiên Giang,Chi cục QLTT,QLTT,market_surveillance,KG-SCT\n"
    "KG-SCT,Sở Công Thương tỉnh Kiên Giang,Sở Công Thương,,department,KG-UBND\n"
)


def write(tmp_path, text, name="agencies.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def snapshot():
    return (
        sorted(Agency.objects.values_list("code", "name", "short_name", "kind", "parent__code")),
        sorted(AgencyAlias.objects.values_list("agency__code", "alias")),
        sorted(Membership.objects.values_list("committee__code", "agency__code")),
        sorted(Committee.objects.values_list("code", "name")),
    )


@pytest.mark.django_db
def test_good_file_creates_committee_agencies_aliases_and_parents(tmp_path, capsys):
    call_command(
        "import_agencies",
        write(tmp_path, GOOD),
        "--committee",
        "bcd389-kg",
        "--committee-name",
        "Ban Chỉ đạo 389 tỉnh Kiên Giang",
    )
    assert "5 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    committee = Committee.objects.get(code="bcd389-kg")
    assert committee.name == "Ban Chỉ đạo 389 tỉnh Kiên Giang"
    assert committee.agencies.count() == 5
    qltt = Agency.objects.get(code="KG-QLTT")
    assert qltt.parent.code == "KG-SCT"  # a parent defined later in the file
    assert set(Agency.objects.get(code="KG-CA").aliases.values_list("alias", flat=True)) == {
        "CA tỉnh",
        "Công an Kiên Giang",
    }


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(tmp_path, capsys):
    path = write(tmp_path, GOOD)
    call_command("import_agencies", path, "--committee", "bcd389-kg")
    before = snapshot()
    capsys.readouterr()
    call_command("import_agencies", path, "--committee", "bcd389-kg")
    assert "0 created, 0 updated, 5 unchanged" in capsys.readouterr().out
    assert snapshot() == before


@pytest.mark.django_db
def test_edited_file_updates(tmp_path, capsys):
    call_command("import_agencies", write(tmp_path, GOOD), "--committee", "bcd389-kg")
    edited = GOOD.replace("Sở Công Thương,,department", "Sở CT,SCT,department")
    call_command("import_agencies", write(tmp_path, edited, "v2.csv"), "--committee", "bcd389-kg")
    assert "0 created, 1 updated, 4 unchanged" in capsys.readouterr().out.splitlines()[-1]
    sct = Agency.objects.get(code="KG-SCT")
    assert sct.short_name == "Sở CT"
    assert list(sct.aliases.values_list("alias", flat=True)) == ["SCT"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "code,name,kind\nA,B,police\n",
            "line 1: missing column(s): short_name, aliases, parent_code",
        ),
        (GOOD + "KG-CA,Công an khác,,,police,\n", "line 7: code KG-CA is already used on line 3"),
        (
            GOOD + "KG-X,Đơn vị X,,,police,KG-KHONGCO\n",
            "line 7: parent KG-KHONGCO is neither in the file",
        ),
        (GOOD + "KG-Y,,Y,,police,\n", "line 7: the name is empty"),
        (GOOD + "KG-Z,Đơn vị Z,,,bogus,\n", "line 7: unknown kind “bogus”"),
        (
            HEADER + "A,Đơn vị A,,,other,B\nB,Đơn vị B,,,other,A\n",
            "the parents of A go round in a circle",
        ),
        (HEADER, "line 1: the file has no agencies"),
    ],
)
def test_bad_file_is_rejected_whole_and_database_unchanged(tmp_path, capsys, text, expected):
    call_command("import_agencies", write(tmp_path, GOOD), "--committee", "bcd389-kg")
    before = snapshot()
    # A good line that would change the database must not slip through with the bad one.
    text = text.replace("Công an tỉnh Kiên Giang,Công an tỉnh,", "Công an tỉnh Kiên Giang,CA,")
    with pytest.raises(CommandError, match="rejected"):
        call_command(
            "import_agencies", write(tmp_path, text, "bad.csv"), "--committee", "bcd389-kg"
        )
    assert expected in capsys.readouterr().err
    assert snapshot() == before


@pytest.mark.django_db
def test_wrong_encoding_is_rejected_with_its_line(tmp_path, capsys):
    # Windows' Vietnamese code page, as an old Excel saves it.
    path = tmp_path / "windows.csv"
    path.write_bytes(GOOD.encode("cp1258", errors="replace"))
    path = str(path)
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_agencies", path, "--committee", "bcd389-kg")
    assert "line 2: the file is not UTF-8 text" in capsys.readouterr().err
    assert not Agency.objects.exists()
    assert not Committee.objects.exists()


@pytest.mark.django_db
def test_every_bad_line_is_listed(tmp_path, capsys):
    text = HEADER + ",Không mã,,,police,\nKG-A,,,,police,\nKG-B,Đơn vị B,,,x,\n"
    with pytest.raises(CommandError, match="3 error"):
        call_command("import_agencies", write(tmp_path, text), "--committee", "c")
    err = capsys.readouterr().err
    assert "line 2: the code is empty" in err
    assert "line 3: the name is empty" in err
    assert "line 4: unknown kind" in err


@pytest.mark.django_db
def test_missing_file_is_a_one_line_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_agencies", str(tmp_path / "nope.csv"), "--committee", "c")


# ---- what an attacker's (or a careless) file must not do


@pytest.mark.django_db
def test_an_unbalanced_quote_does_not_swallow_the_next_line(tmp_path, capsys):
    text = HEADER + (
        'KG-A,"Đơn vị A,,,other,\n'  # the quote is never closed…
        "KG-B,Đơn vị B,,,other,\n"  # …so the csv module would read this line into A's name
    )
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_agencies", write(tmp_path, text), "--committee", "bcd389-kg")
    assert 'line 2: a quote (") is opened and not closed: lines 2 to 3' in capsys.readouterr().err
    assert not Agency.objects.exists()


@pytest.mark.django_db
def test_codes_differing_only_in_case_are_one_agency(tmp_path, capsys):
    text = HEADER + "KG-DC,Đơn vị D,,,other,\nkg-dc,Đơn vị d,,,other,\n"
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_agencies", write(tmp_path, text), "--committee", "bcd389-kg")
    assert "line 3: code kg-dc is already used on line 2" in capsys.readouterr().err
    call_command("import_agencies", write(tmp_path, GOOD), "--committee", "bcd389-kg")
    lower = HEADER + "kg-ca,Công an tỉnh Kiên Giang,Công an tỉnh,,police,\n"
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_agencies", write(tmp_path, lower, "l.csv"), "--committee", "bcd389-kg")
    assert "differs only in letter case from the existing agency KG-CA" in capsys.readouterr().err
    assert not Agency.objects.filter(code="kg-ca").exists()


@pytest.mark.django_db
def test_a_parent_cycle_through_existing_agencies_is_refused(tmp_path, capsys):
    call_command("import_agencies", write(tmp_path, GOOD), "--committee", "bcd389-kg")
    before = snapshot()
    # in the database KG-QLTT sits under KG-SCT; now KG-SCT would sit under KG-QLTT
    text = HEADER + "KG-SCT,Sở Công Thương tỉnh Kiên Giang,Sở Công Thương,,department,KG-QLTT\n"
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_agencies", write(tmp_path, text, "c.csv"), "--committee", "bcd389-kg")
    assert "the parents of KG-SCT go round in a circle" in capsys.readouterr().err
    assert snapshot() == before


@pytest.mark.django_db
def test_one_committees_import_cannot_rename_another_committees_agency(tmp_path, capsys):
    call_command("import_agencies", write(tmp_path, GOOD), "--committee", "bcd389-kg")
    before = snapshot()
    renamed = HEADER + "KG-CA,Công an tỉnh An Giang,Công an tỉnh,,police,KG-UBND\n"
    with pytest.raises(CommandError, match="rejected"):
        call_command(
            "import_agencies", write(tmp_path, renamed, "ag.csv"), "--committee", "bcd389-ag"
        )
    assert "agency KG-CA belongs to another committee (bcd389-kg)" in capsys.readouterr().err
    assert snapshot() == before
    # listing it unchanged makes it a member of the second committee too
    same = HEADER + "KG-CA,Công an tỉnh Kiên Giang,Công an tỉnh,,police,KG-UBND\n"
    call_command("import_agencies", write(tmp_path, same, "ag2.csv"), "--committee", "bcd389-ag")
    assert Membership.objects.filter(committee__code="bcd389-ag", agency__code="KG-CA").exists()
    assert Agency.objects.get(code="KG-CA").name == "Công an tỉnh Kiên Giang"
