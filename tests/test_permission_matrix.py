"""Every URL × every role × own agency / other agency (and own / other committee).

The list of URLs comes from the URL configuration itself: a URL added without an entry here
fails `test_every_url_has_an_entry`, so nobody can ship a page, download, export or API endpoint
that the matrix has not looked at. The one rule the matrix enforces everywhere: a user who may
not see an object gets 404 for it, whoever owns it, and nobody gets a 500.

Expectations: an int is the exact status; a set is any of those; NOT_404 means "visible" (the
action may still refuse with a message or a 403); None means "not asserted beyond no 500"
(pages another engineer is still building: tighten them there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from documents.actions import register_directive
from documents.models import DirectiveAttachment
from tasks import actions
from tests.factories import AgencyFactory, CommitteeFactory, MembershipFactory, UserFactory
from workflows import services as flows

ROLES = [
    "anonymous",
    "lead_officer",  # the lead agency (chủ trì) of the task
    "lead_head",  # the lead agency's head, who signs its reports off
    "support_officer",  # a co-ordinating agency (phối hợp)
    "other_officer",  # another agency of the same committee, not on the task
    "secretariat",
    "chair",
    "other_secretariat",  # another committee's standing office
    "other_chair",
    "admin",
]
OFFICERS = ("lead_officer", "support_officer", "other_officer")
AGENCY_STAFF = (*OFFICERS, "lead_head")
OUTSIDERS = ("other_officer", "other_secretariat", "other_chair")
NOT_404 = "not-404"
LOGIN = "login"  # a redirect to the login page

# Django's own machinery, not the product's pages.
EXEMPT_NAMES = {
    "set_language",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",  # the operator's health check: no data, open to all (tests/ops/test_health.py)
}
EXEMPT_NAMESPACES = {"admin"}
# viewflow's generated flow pages (workflows/): checked by test_flow_pages_are_not_open_to_all.
FLOW_NAMESPACES = {"directive", "task", "extension"}


@dataclass
class Entry:
    kwargs: Callable[[dict], dict] = lambda w: {}
    method: str = "get"
    expect: dict[str, object] = field(default_factory=dict)
    default: object = None  # for roles not in `expect`
    data: dict = field(default_factory=dict)


def roles(value: object, *names: str) -> dict[str, object]:
    return dict.fromkeys(names, value)


def page(*, allowed: tuple[str, ...], denied: object = 403, anonymous: object = LOGIN) -> dict:
    """A role page: the allowed roles get 200, the others `denied`."""
    expect = {role: (200 if role in allowed else denied) for role in ROLES}
    expect["anonymous"] = anonymous
    return expect


def obj_page(
    *,
    allowed: tuple[str, ...],
    hidden: tuple[str, ...],
    anonymous: object = LOGIN,
    others: object = 403,
) -> dict:
    """An object's page: 200 for `allowed`, 404 for `hidden` (cannot see it), else `others`."""
    expect = {role: others for role in ROLES}
    expect.update(roles(200, *allowed))
    expect.update(roles(404, *hidden))
    expect["anonymous"] = anonymous
    return expect


def post(*, hidden: tuple[str, ...], anonymous: object = {302, 403, 404}) -> dict:
    expect = {role: NOT_404 for role in ROLES}
    expect.update(roles(404, *hidden))
    expect["anonymous"] = anonymous
    return expect


COMMITTEE_STAFF = ("secretariat", "chair", "admin", "other_secretariat", "other_chair")
EVERYONE = tuple(r for r in ROLES if r != "anonymous")
ON_TASK = ("lead_officer", "lead_head", "support_officer", "secretariat", "chair", "admin")
NOT_ON_TASK = OUTSIDERS
DRAFT_HIDDEN = (*AGENCY_STAFF, "other_secretariat", "other_chair")
LEAD_STAFF = ("lead_officer", "lead_head")

MATRIX: dict[str, list[Entry]] = {
    "home": [Entry(expect={**roles(302, *ROLES), "anonymous": LOGIN})],
    # ---- the work app
    "work:index": [Entry(expect=page(allowed=EVERYONE))],  # the inbox answers first
    "work:inbox": [Entry(expect=page(allowed=EVERYONE))],
    "work:task": [
        Entry(lambda w: {"pk": w["task"].pk}, expect=obj_page(allowed=ON_TASK, hidden=NOT_ON_TASK))
    ],
    # An agency's own part (its assignment): what its staff, its head and the standing office
    # post there. Another committee's or agency's eyes get a 404; the posted data is incomplete
    # or stale, so nothing changes whoever posts it.
    "work:part_report": [
        Entry(
            lambda w: {"pk": w["lead_part"].pk},
            expect=obj_page(allowed=LEAD_STAFF, hidden=NOT_ON_TASK),
        )
    ],
    "work:part_acknowledge": [
        Entry(
            lambda w: {"pk": w["lead_part"].pk},
            "post",
            post(hidden=NOT_ON_TASK),
            data={"state": "assigned"},
        )
    ],
    "work:part_officer": [
        Entry(
            lambda w: {"pk": w["lead_part"].pk},
            "post",
            {**post(hidden=NOT_ON_TASK), "lead_head": 302},
            data={"officer": ""},
        )
    ],
    "work:part_contribute": [
        Entry(
            lambda w: {"pk": w["coordinating_part"].pk},
            "post",
            {**post(hidden=NOT_ON_TASK), "support_officer": 302},
            data={"text": ""},
        )
    ],
    "work:part_sign_off": [
        Entry(
            lambda w: {"pk": w["lead_part"].pk},
            "post",
            {**post(hidden=NOT_ON_TASK), "lead_head": 302, "lead_officer": 403},
            data={"decision": "send_back", "note": ""},
        )
    ],
    "work:part_review": [
        Entry(
            lambda w: {"pk": w["lead_part"].pk},
            "post",
            {**post(hidden=NOT_ON_TASK), "secretariat": 302, "lead_officer": 403},
            data={"decision": "return", "note": ""},
        )
    ],
    "work:agency": [Entry(expect=page(allowed=("lead_head",)))],
    "audit:access": [Entry(expect=page(allowed=("secretariat", "other_secretariat", "admin")))],
    "work:task_comment": [
        Entry(lambda w: {"pk": w["task"].pk}, "post", post(hidden=NOT_ON_TASK), data={"text": ""})
    ],
    "work:task_urge": [Entry(lambda w: {"pk": w["task"].pk}, "post", post(hidden=NOT_ON_TASK))],
    # The world's report still waits for the lead's head: its file stays inside the agency.
    "work:task_file": [
        Entry(
            lambda w: {"pk": w["task_file"].pk},
            expect=obj_page(
                allowed=LEAD_STAFF,
                hidden=(*NOT_ON_TASK, "support_officer", "secretariat", "chair", "admin"),
            ),
        )
    ],
    "work:review_queue": [
        Entry(expect=page(allowed=("secretariat", "other_secretariat", "admin")))
    ],
    "work:overdue": [Entry(expect=page(allowed=COMMITTEE_STAFF))],
    "work:approvals": [Entry(expect=page(allowed=COMMITTEE_STAFF))],
    "dashboard:index": [Entry(expect=page(allowed=COMMITTEE_STAFF))],
    # ---- the register and the breakdown editor
    "directives:index": [Entry(expect=page(allowed=EVERYONE))],
    "directives:create": [Entry(expect=page(allowed=("secretariat", "other_secretariat")))],
    "directives:detail": [
        # Another committee's (and every agency's) eyes never see a draft.
        Entry(
            lambda w: {"pk": w["draft"].pk},
            expect=obj_page(allowed=("secretariat", "chair", "admin"), hidden=DRAFT_HIDDEN),
        ),
        Entry(
            lambda w: {"pk": w["task"].directive_id},
            expect=obj_page(allowed=ON_TASK, hidden=NOT_ON_TASK),
        ),
    ],
    # Finishing the breakdown completes the directive flow's step (the flow owns the other
    # lifecycle steps: their pages are checked by test_flow_pages_are_not_open_to_all).
    "directives:submit": [
        Entry(lambda w: {"pk": w["draft"].pk}, "post", post(hidden=DRAFT_HIDDEN)),
    ],
    "directives:merge": [
        Entry(
            lambda w: {"pk": w["draft"].pk},
            "post",
            post(hidden=DRAFT_HIDDEN),
            data={"merge": []},
        )
    ],
    "directives:map_alias": [
        Entry(
            lambda w: {"pk": w["draft"].pk},
            "post",
            post(hidden=DRAFT_HIDDEN),
            data={"name": "Sở Công Thương", "agency": ""},
        )
    ],
    "directives:task_split": [
        Entry(
            lambda w: {"pk": w["draft_task"].pk},
            expect=obj_page(allowed=("secretariat", "admin"), hidden=DRAFT_HIDDEN),
        )
    ],
    "directives:breakdown": [
        Entry(
            lambda w: {"pk": w["draft"].pk},
            expect=obj_page(allowed=("secretariat", "admin"), hidden=DRAFT_HIDDEN),
        )
    ],
    "directives:deadline": [
        Entry(
            lambda w: {"pk": w["draft"].pk},
            # 400 without a rule to compute: the page's script always sends one.
            expect={
                **obj_page(allowed=(), hidden=DRAFT_HIDDEN),
                **roles(400, "secretariat", "admin"),
            },
        )
    ],
    "directives:edit": [
        Entry(
            lambda w: {"pk": w["draft"].pk},
            expect=obj_page(allowed=("secretariat", "admin"), hidden=DRAFT_HIDDEN),
        )
    ],
    "directives:propose": [
        Entry(
            lambda w: {"pk": w["draft"].pk},
            expect=obj_page(allowed=("secretariat", "admin"), hidden=DRAFT_HIDDEN),
        )
    ],
    "directives:task_add": [
        Entry(
            lambda w: {"pk": w["draft"].pk},
            expect=obj_page(allowed=("secretariat", "admin"), hidden=DRAFT_HIDDEN),
        )
    ],
    "directives:task_edit": [
        Entry(
            lambda w: {"pk": w["draft_task"].pk},
            expect=obj_page(allowed=("secretariat", "admin"), hidden=DRAFT_HIDDEN),
        )
    ],
    "directives:task_delete": [
        Entry(lambda w: {"pk": w["draft_task"].pk}, "post", post(hidden=DRAFT_HIDDEN))
    ],
    "directives:file": [
        Entry(
            lambda w: {"pk": w["draft_file"].pk},
            expect=obj_page(allowed=("secretariat", "chair", "admin"), hidden=DRAFT_HIDDEN),
        )
    ],
    # ---- the user guide: every role that is logged in
    "guide:index": [Entry(expect={"anonymous": LOGIN}, default=200)],
    "guide:page": [
        Entry(lambda w: {"slug": "truong-ban"}, expect={"anonymous": LOGIN}, default=200)
    ],
    "guide:image": [
        Entry(lambda w: {"name": "khong-co.png"}, expect={"anonymous": LOGIN}, default=404)
    ],
    # ---- the directory
    "directory:index": [
        Entry(expect={**roles(302, *COMMITTEE_STAFF, "anonymous"), **roles(403, *AGENCY_STAFF)})
    ],
    "directory:agencies": [Entry(expect=page(allowed=COMMITTEE_STAFF))],
    "directory:committees": [Entry(expect=page(allowed=COMMITTEE_STAFF))],
    "directory:users": [Entry(expect=page(allowed=COMMITTEE_STAFF))],
    # ---- notifications and periodic reporting (tasks/, another engineer's pages)
    "notifications:list": [Entry(expect={"anonymous": {302, 403, 404}}, default=200)],
    "notifications:mark_read": [
        Entry(method="post", expect={"anonymous": {302, 403, 404, 405}}, default=None)
    ],
    # The user's own setting: anyone logged in, about themselves only.
    "notifications:digest_only": [
        Entry(method="post", expect={"anonymous": LOGIN}, default=302, data={"digest_only": "1"})
    ],
    "reporting:list": [Entry(expect={"anonymous": {302, 403, 404}})],
    # Object pages of periodic reporting: an id nobody may see is a 404 for everyone.
    "reporting:submission": [Entry(lambda w: {"pk": 999_999}, default={302, 403, 404})],
    # A periodic report's file: who may see it is tested in tests/tasks/test_reporting.py.
    "reporting:file": [Entry(lambda w: {"pk": 999_999}, default={302, 404})],
    "reporting:review": [Entry(lambda w: {"pk": 999_999}, default={302, 403, 404, 405})],
    "reporting:consolidation": [Entry(lambda w: {"pk": 999_999}, default={302, 403, 404})],
    # Obligations: the committee's staff see them, only its standing office (or an
    # administrator) defines them; another committee's staff and every agency get a 404.
    "reporting:obligations": [Entry(expect=page(allowed=COMMITTEE_STAFF))],
    "reporting:obligation_create": [
        Entry(
            expect={
                **page(allowed=("secretariat", "other_secretariat")),
                "admin": 302,  # asked to choose the committee first
            }
        )
    ],
    "reporting:obligation_edit": [
        Entry(
            lambda w: {"pk": _obligation(w).pk},
            expect=obj_page(
                allowed=("secretariat", "admin"), hidden=(*AGENCY_STAFF, *OUTSIDERS[1:])
            ),
        )
    ],
    # It has a submission, so removing it only deactivates it (the admin still finds it).
    "reporting:obligation_remove": [
        Entry(
            lambda w: {"pk": _obligation(w).pk},
            "post",
            post(hidden=(*AGENCY_STAFF, *OUTSIDERS[1:])),
        )
    ],
    # ---- generated documents (exports/views.py): agency B's export is a 404 for A.
    "exports:appendix_pdf": [
        Entry(
            lambda w: {"directive_id": w["draft"].pk},
            expect={**roles(404, *DRAFT_HIDDEN), "anonymous": {302, 403, 404}},
        ),
        Entry(
            lambda w: {"directive_id": w["task"].directive_id},
            expect={**roles(404, *NOT_ON_TASK), "anonymous": {302, 403, 404}},
        ),
    ],
    "exports:scorecard_pdf": [
        Entry(
            lambda w: {"agency_code": w["police"].code},
            expect={
                **roles(
                    404, "support_officer", "other_officer", "other_secretariat", "other_chair"
                ),
                "anonymous": {302, 403, 404},
            },
        ),
    ],
    # Scoped to what the user may see (Task.objects.visible_to), so an agency gets its own list.
    "exports:overdue_pdf": [Entry(expect={"anonymous": {302, 403, 404}})],
    "exports:consolidated_pdf": [
        Entry(expect={**roles({403, 404}, *AGENCY_STAFF), "anonymous": {302, 403, 404}})
    ],
    "exports:urging_preview_pdf": [
        Entry(
            lambda w: {"agency_code": w["police"].code},
            expect={
                **roles({403, 404}, *AGENCY_STAFF, "other_secretariat", "other_chair"),
                "anonymous": {302, 403, 404},
            },
        ),
    ],
    # The page: the committee's staff only (the office issues, the chair reads the draft).
    "directives:urging_letter": [
        Entry(
            lambda w: {"agency_code": w["police"].code},
            expect={
                **roles(404, *AGENCY_STAFF, "other_secretariat", "other_chair", "admin"),
                **roles(200, "secretariat", "chair"),
                "anonymous": LOGIN,
            },
        ),
    ],
    "exports:urging_issue": [
        Entry(
            lambda w: {"agency_code": w["police"].code},
            "post",
            expect={
                **roles({403, 404, 405}, *AGENCY_STAFF, "other_secretariat", "other_chair"),
                "anonymous": {302, 403, 404, 405},
            },
        ),
    ],
    "exports:urging_letter_pdf": [Entry(lambda w: {"letter_id": 999_999}, default={302, 403, 404})],
    # ---- the e-government exchange (egov/): importing is the standing office's; a letter's
    # signature pages answer as its PDF does (a letter of the world: tests/egov/test_signing.py).
    "egov:import": [Entry(expect=page(allowed=("secretariat", "other_secretariat")))],
    "egov:consolidated": [Entry(expect=page(allowed=("secretariat", "other_secretariat")))],
    "egov:letters": [Entry(expect=page(allowed=COMMITTEE_STAFF[:2] + COMMITTEE_STAFF[3:]))],
    **{
        f"egov:{name}": [Entry(lambda w: {"pk": 999_999}, method, default={302, 403, 404, 405})]
        for name, method in (
            ("letter", "get"),
            ("sign_letter", "post"),
            ("signed_pdf", "get"),
            ("letter_edxml", "get"),
        )
    },
    "exports:spreadsheet": [
        Entry(lambda w: {"kind": "tasks"}, expect={"anonymous": {302, 403, 404}}),
    ],
    # A long export is its owner's only (tests/exports/test_background.py): anyone else, a 404.
    **{
        f"exports:{name}": [
            Entry(lambda w: {"export_id": 999_999}, expect={"anonymous": LOGIN}, default=404)
        ]
        for name in ("export", "export_progress", "export_file")
    },
    # ---- the API (DRF): the same permission layer; another agency's task is a 404.
    "api-root": [Entry(expect={"anonymous": {401, 403}}, default=200)],
    "api-schema": [Entry(expect={"anonymous": {200, 401, 403}})],  # the schema holds no data
    "api-directive-list": [Entry(expect={"anonymous": {401, 403}}, default=200)],
    "api-directive-detail": [
        Entry(
            lambda w: {"pk": w["draft"].pk},
            expect={
                **roles(404, *DRAFT_HIDDEN),
                **roles(200, "secretariat", "chair", "admin"),
                "anonymous": {401, 403},
            },
        ),
    ],
    "api-task-list": [Entry(expect={"anonymous": {401, 403}}, default=200)],
    "api-task-detail": [
        Entry(
            lambda w: {"pk": w["task"].pk},
            expect={**roles(404, *NOT_ON_TASK), **roles(200, *ON_TASK), "anonymous": {401, 403}},
        )
    ],
    **{
        f"api-task-{name}": [
            Entry(
                lambda w: {"pk": w["task"].pk},
                "post",
                {**post(hidden=NOT_ON_TASK), "anonymous": {401, 403}},
            )
        ]
        for name in (
            "acknowledge",
            "contribution",
            "officer",
            "progress",
            "report",
            "request-extension",
            "send-back",
            "sign-off",
            "urge",
        )
    },
    # The standing office acts on a named agency's part.
    **{
        f"api-task-{name}": [
            Entry(
                lambda w: {"pk": w["task"].pk, "agency_code": w["police"].code},
                "post",
                {**post(hidden=NOT_ON_TASK), "anonymous": {401, 403}},
            )
        ]
        for name in ("accept", "return-report")
    },
    "api-extension-list": [Entry(expect={"anonymous": {401, 403}}, default=200)],
    "api-extension-detail": [
        Entry(
            lambda w: {"pk": w["extension"].pk},
            expect={**roles(404, *NOT_ON_TASK), "anonymous": {401, 403}},
        )
    ],
    **{
        f"api-extension-{name}": [
            Entry(
                lambda w: {"pk": w["extension"].pk},
                "post",
                {**post(hidden=NOT_ON_TASK), "anonymous": {401, 403}},
            )
        ]
        for name in ("approve", "reject")
    },
}


def _obligation(w: dict) -> object:
    """A monthly obligation of the world's committee with one period and one submission."""
    from reporting.models import ReportingPeriod, ReportSubmission
    from tests.factories import ReportingObligationFactory

    obligation = ReportingObligationFactory(committee=w["task"].directive.committee)
    period = ReportingPeriod.objects.create(
        obligation=obligation,
        year=2020,
        index=1,
        starts_on=dt.date(2019, 12, 15),
        ends_on=dt.date(2020, 1, 14),
        due_on=dt.date(2020, 1, 17),
        due_at=dt.datetime(2020, 1, 17, 17, tzinfo=dt.UTC),
    )
    ReportSubmission.objects.create(period=period, agency=w["police"])
    return obligation


def url_names() -> dict[str, list[URLPattern]]:
    """Every named URL of the project, by its fully qualified name."""
    found: dict[str, list[URLPattern]] = {}

    def walk(patterns, namespaces: tuple[str, ...]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                names = namespaces + ((pattern.namespace,) if pattern.namespace else ())
                walk(pattern.url_patterns, names)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.setdefault(":".join((*namespaces, pattern.name)), []).append(pattern)

    walk(get_resolver().url_patterns, ())
    return found


def _exempt(name: str) -> bool:
    return name in EXEMPT_NAMES or name.split(":")[0] in EXEMPT_NAMESPACES


def _flow(name: str) -> bool:
    return ":" in name and name.split(":")[0] in FLOW_NAMESPACES


def test_every_url_has_an_entry():
    names = {name for name in url_names() if not _exempt(name) and not _flow(name)}
    missing = sorted(names - set(MATRIX))
    stale = sorted(set(MATRIX) - names)
    assert not missing, f"URLs without a permission-matrix entry: {missing}"
    assert not stale, f"Matrix entries for URLs that no longer exist: {stale}"


# ---- the world every row of the matrix is checked against


@pytest.fixture
def world(make_task, committee, police, border_guard, secretariat, chair, officer, support_officer):
    customs = AgencyFactory(code="KG-HQ", name="Chi cục Hải quan cửa khẩu Hà Tiên", kind="customs")
    MembershipFactory(committee=committee, agency=customs)
    elsewhere = CommitteeFactory(code="bcd389-ag", name="Ban Chỉ đạo 389 tỉnh An Giang")
    task = make_task(deadline=dt.date(2030, 12, 31))
    lead_part = task.assignments.get(agency=police)
    lead_part = actions.acknowledge(lead_part, by=officer)
    extension = flows.request_extension(
        lead_part, by=officer, new_deadline=dt.date(2031, 3, 31), reason="Chờ kết quả giám định"
    )
    # The committee asks for the head's sign-off: the report waits for the lead's head.
    actions.submit_report(
        lead_part,
        by=officer,
        text="Đã kiểm tra",
        files=[SimpleUploadedFile("ket-qua.pdf", b"%PDF-1.4")],
    )
    draft = register_directive(
        committee,
        by=secretariat,
        number="12/KH-BCĐ389",
        subject="Kế hoạch cao điểm Tết",
        issued_on=dt.date(2020, 11, 2),
        text="1. Công an tỉnh chủ trì kiểm tra hàng nhập lậu.",
        files=[SimpleUploadedFile("du-thao.docx", b"PK")],
    )
    draft_task = actions.create_task(
        draft, by=secretariat, title="Kiểm tra hàng nhập lậu", lead=[police]
    )
    users = {
        "anonymous": None,
        "lead_officer": officer,
        "lead_head": UserFactory(
            username="lanhdao.ca", role="agency_head", committee=committee, agency=police
        ),
        "support_officer": support_officer,
        "other_officer": UserFactory(
            username="canbo.hq", role="agency_officer", committee=committee, agency=customs
        ),
        "secretariat": secretariat,
        "chair": chair,
        "other_secretariat": UserFactory(
            username="vanphong.ag", role="secretariat", committee=elsewhere
        ),
        "other_chair": UserFactory(username="truongban.ag", role="chair", committee=elsewhere),
        "admin": UserFactory(username="quantri", role="admin", committee=None),
    }
    return {
        "users": users,
        "task": task,
        "lead_part": lead_part,
        "coordinating_part": task.assignments.get(agency=border_guard),
        "extension": extension,
        "task_file": task.attachments.get(),
        "draft": draft,
        "draft_task": draft_task,
        "draft_file": DirectiveAttachment.objects.get(directive=draft),
        "police": police,
    }


def _check(response, expected, role: str, label: str) -> None:
    status = response.status_code
    where = f"{label} as {role}: got {status}"
    assert status < 500, where
    if expected is None:
        return
    if expected == NOT_404:
        assert status != 404, where
    elif expected == LOGIN:
        assert status == 302 and "/accounts/login/" in response["Location"], where
    elif isinstance(expected, set):
        assert status in expected, f"{where}, expected one of {sorted(expected)}"
    else:
        assert status == expected, f"{where}, expected {expected}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, world, name):
    if name not in url_names():
        pytest.skip("URL not mounted")  # test_every_url_has_an_entry reports it
    for index, entry in enumerate(MATRIX[name]):
        url = reverse(name, kwargs=entry.kwargs(world))
        # Those who may not see the object go first: their requests must change nothing.
        order = sorted(ROLES, key=lambda r: entry.expect.get(r, entry.default) != 404)
        for role in order:
            user = world["users"][role]
            client.logout()
            if user is not None:
                client.force_login(user)
            response = getattr(client, entry.method)(url, entry.data)
            _check(response, entry.expect.get(role, entry.default), role, f"{name}[{index}] {url}")


def test_flow_pages_are_not_open_to_all(client, world):
    """viewflow's generated pages: list pages are an administrator's tool; pages of a process
    that does not exist are a 404 for everyone; nobody gets a 500."""
    names = [name for name in url_names() if _flow(name)]
    officer = world["users"]["other_officer"]
    for name in names:
        pattern = url_names()[name][0]
        converters = pattern.pattern.converters
        kwargs = {key: 999_999 for key in converters}
        url = reverse(name, kwargs=kwargs)
        client.force_login(officer)
        response = client.get(url)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        assert response.status_code != 200 or not kwargs, f"{url} shows a missing process"
