"""Drive the production stack started by `make prod-up`, as people would, through nginx.

Run by .ci/run after the suites: log in, register a directive with one task due today, have it
approved and dispatched, wait for the beat's tick to e-mail the reminder (into the local SMTP
sink's maildir), download the exports, and check /healthz, the static files nginx serves and
the JSON request lines in the stack's log. Standard library only (plus openpyxl and pypdf,
which the tests' requirements install, to open the downloads); every failure says what it saw.

    python .ci/stack_check.py --base http://127.0.0.1:8113 --maildir var/stack/mail \
        --log var/stack/stack.log
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import io
import json
import mailbox
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from email.header import decode_header, make_header
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

PASSWORD = "demo389"  # the demo users' password (fixtures/data/users.json)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class StackError(AssertionError):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise StackError(message)


def step(message: str) -> None:
    print(f"stack: {message}", flush=True)


# ---- reading forms


class Form:
    def __init__(self, attrs: dict[str, str | None]) -> None:
        self.attrs = attrs
        self.fields: list[tuple[str, str]] = []
        self.buttons: list[tuple[str, str]] = []
        self.choices: dict[str, list[tuple[str, str]]] = {}  # name → (value, label)


class Forms(HTMLParser):
    """Every form of a page with the values a browser would send, and each checkbox's,
    radio's or option's label."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._option: tuple[str, bool] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._labels: dict[str, str] = {}  # input id → label text
        self._label_for: list[str] | None = None
        self.feed(html)
        for form in self.forms:
            for name, choices in form.choices.items():
                form.choices[name] = [(v, self._labels.get(label, label)) for v, label in choices]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
        if tag == "label":  # <label for=id>, or a label wrapped around its input
            self._label_for, self._text = [a["for"]] if a.get("for") else [], []
        if tag == "input" and self._label_for is not None and a.get("id"):
            self._label_for.append(a["id"])
        form = self._form
        if form is None:
            return
        name = a.get("name") or ""
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            value = a.get("value") or ("on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio"):
                form.choices.setdefault(name, []).append((value, a.get("id") or ""))
                if "checked" in a:
                    form.fields.append((name, value))
            elif kind == "submit":
                form.buttons.append((name, value))
            elif kind != "file":
                form.fields.append((name, value))
        elif tag == "button" and (a.get("type") or "submit") == "submit" and name:
            form.buttons.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self._option, self._text = (a.get("value") or "", "selected" in a), []
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        text = "".join(self._text).strip()
        if tag == "label" and self._label_for is not None:
            self._labels.update(dict.fromkeys(self._label_for, text))
            self._label_for = None
        if self._form is None:
            return
        if tag == "option" and self._select and self._option:
            value, selected = self._option
            self._form.choices.setdefault(self._select, []).append((value, text))
            if selected:
                self._form.fields.append((self._select, value))
            self._option = None
        elif tag == "select":
            names = [n for n, _ in self._form.fields]
            if self._select and self._select not in names and self._form.choices.get(self._select):
                self._form.fields.append((self._select, self._form.choices[self._select][0][0]))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self._form.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


# ---- a person with a browser's cookies


class Person:
    def __init__(self, base: str, username: str) -> None:
        self.base, self.username = base, username
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.url, self.html, self.headers = "", "", {}

    def request(self, path: str, data: bytes | None = None) -> tuple[int, bytes]:
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=data, headers={"Referer": self.url or url})
        try:
            with self.opener.open(request, timeout=60) as response:
                body = response.read()
                self.url, self.headers, status = response.geturl(), dict(response.headers), 200
        except urllib.error.HTTPError as error:
            body, self.url, self.headers, status = (
                error.read(),
                url,
                dict(error.headers),
                error.code,
            )
        if self.headers.get("Content-Type", "").startswith("text/html"):
            self.html = body.decode("utf-8")
        return status, body

    def get(self, path: str) -> str:
        status, _ = self.request(path)
        check(status == 200, f"{self.username}: GET {path} answered {status}")
        return self.html

    def form(self, *, field: str = "", button: str = "", id: str = "") -> Form:
        """The page's first form with this field, this named button or this id."""
        for form in Forms(self.html).forms:
            names = {n for n, _ in form.fields} | set(form.choices)
            if (
                (not field or field in names)
                and (not button or button in {n for n, _ in form.buttons})
                and (not id or form.attrs.get("id") == id)
            ):
                return form
        raise StackError(f"{self.username}: no form {field or button or id} on {self.url}")

    def submit(self, form: Form, values: dict[str, object], button: str | None = None) -> str:
        fields = [(n, v) for n, v in form.fields if n not in values]
        for name, value in values.items():
            for item in value if isinstance(value, list) else [value]:
                fields.append((name, str(item)))
        fields += [(n, v) for n, v in form.buttons if n == button]
        action = urllib.parse.urljoin(self.url, form.attrs.get("action") or self.url)
        before = self.url
        status, _ = self.request(action, urllib.parse.urlencode(fields).encode())
        check(status == 200, f"{self.username}: POST {action} answered {status}")
        check(
            self.url != before or "dd-alert--error" not in self.html,
            f"{self.username}: the form at {before} was refused: {errors(self.html)}",
        )
        return self.html

    def login(self) -> None:
        self.get("/accounts/login/")
        self.submit(self.form(field="username"), {"username": self.username, "password": PASSWORD})
        check("/accounts/login/" not in self.url, f"{self.username} could not log in")


def errors(html: str) -> str:
    found = re.findall(r'class="[^"]*(?:errorlist|dd-alert--error)[^"]*"[^>]*>(.*?)</', html, re.S)
    return "; ".join(" ".join(e.split()) for e in found)[:500] or "(no message)"


def choice(form: Form, name: str, label: str) -> str:
    for value, text in form.choices.get(name, []):
        if label in text:
            return value
    raise StackError(f"no {name} choice labelled {label!r}: {form.choices.get(name)}")


def flow_step(person: Person, directive: int) -> None:
    """Open the directive flow's current step from the directive page (its only action)."""
    person.get(f"/directives/{directive}/")
    match = re.search(r'<a\b[^>]*\bhref="([^"]+)"[^>]*\bdata-flow-step', person.html)
    check(match, f"{person.username}: no flow step on /directives/{directive}/")
    person.get(match[1])


# ---- the scenario


def json_lines(log: Path, event: str) -> list[dict]:
    """The stack's JSON log lines of one kind (honcho puts "time name.1 | " before each)."""
    lines = []
    for line in log.read_text(errors="replace").splitlines():
        _, bar, rest = line.partition("| ")
        if bar and rest.startswith("{"):
            record = json.loads(rest)
            if record.get("event") == event:
                lines.append(record)
    return lines


def wait_healthy(base: str, timeout: float) -> dict:
    deadline, body = time.monotonic() + timeout, {}
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            # Until gunicorn listens, nginx answers 502 with its own HTML page, not our JSON.
            text = error.read().decode(errors="replace")
            try:
                body = json.loads(text)
            except ValueError:
                body = {"status": error.code, "body": text[:200]}
        except OSError as error:
            body = {"error": str(error)}
        time.sleep(2)
    raise StackError(f"/healthz never turned 200 in {timeout:g} s: {body}")


def mail_for(maildir: Path, needle: str) -> list[str]:
    """Who got a message containing `needle`, in the SMTP sink's maildir."""
    for folder in ("new", "cur", "tmp"):
        (maildir / folder).mkdir(parents=True, exist_ok=True)
    found = []
    for message in mailbox.Maildir(maildir, create=False):
        body = message.get_payload(decode=True) or b""
        subject = str(make_header(decode_header(message["Subject"] or "")))
        text = subject + "\n" + body.decode(message.get_content_charset() or "utf-8", "replace")
        if needle in text:
            found.append(f"to {message['To']}: {subject}")
    return found


def run(base: str, maildir: Path, log: Path, tick_timeout: float) -> None:
    today = dt.datetime.now(VIETNAM).date()
    stamp = dt.datetime.now(VIETNAM).strftime("%H%M%S")
    number = f"{stamp}/TB-BCĐ"
    # As the register writes it: the number is stored as an integer (Nghị định 30's leading
    # zero only under 10), so 01:29:34 in Vietnam, CI's evening in UTC, shows as 12934/TB-BCĐ.
    shown = f"{int(stamp):02d}/TB-BCĐ"
    title = f"Kiểm tra kho xăng dầu trái phép {stamp}"

    health = wait_healthy(base, 180)
    step(f"healthz 200 through nginx: {health['checks']}")

    office, chair, officer = (
        Person(base, name) for name in ("kg.vanphong", "kg.truongban", "kg.ca.canbo")
    )
    for person in (office, chair, officer):
        person.login()
    step("three people logged in through nginx")

    office.get("/directives/new/")
    office.submit(
        office.form(field="number"),
        {
            "number": number,
            "doc_type": "TB",
            "issued_on": f"{today:%d/%m/%Y}",
            "subject": f"Kết luận kiểm tra chống buôn lậu xăng dầu ({stamp})",
            "issuer_name": "Ban Chỉ đạo 389 tỉnh Kiên Giang",
            "text": f"1. Công an tỉnh {title.lower()}, hoàn thành trong ngày.",
        },
    )
    match = re.search(r"/directives/(\d+)/", office.url)
    check(match, f"registering did not open the directive: {office.url} {errors(office.html)}")
    directive = int(match[1])
    step(f"registered directive {number} (id {directive})")

    office.get(f"/directives/{directive}/breakdown/add/")
    form = office.form(field="title")
    office.submit(
        form,
        {
            "ref": "1",
            "title": title,
            "lead": [choice(form, "lead", "Công an")],
            "deadline": f"{today:%d/%m/%Y}",
            "deadline_text": "trong ngày",
        },
    )
    check(title in office.get(f"/directives/{directive}/breakdown/"), "the task is not listed")
    office.submit(office.form(id="submit-breakdown"), {})
    step("broke it down into one task due today and submitted the list")

    flow_step(chair, directive)
    chair.submit(chair.form(field="decision"), {"decision": "approve"}, button="complete")
    flow_step(office, directive)
    office.submit(office.form(button="complete"), {}, button="complete")
    inbox = officer.get("/work/")
    check(title in inbox, "the dispatched task is not in the lead officer's inbox")
    step("the chair approved, the office dispatched, the task is in kg.ca.canbo's inbox")

    deadline = time.monotonic() + tick_timeout
    while not (found := mail_for(maildir, title)):
        check(time.monotonic() < deadline, f"no reminder e-mail in {tick_timeout:g} s")
        time.sleep(3)
    check(
        any(
            j["job"] == "tick.reminders" and j["summary"] != "0 sent"
            for j in json_lines(log, "job")
        ),
        "the e-mail came, but no tick logged a reminder sent",
    )
    step(f"the beat's tick sent the reminder, e-mailed {found}")

    status, data = office.request(f"/documents/pdf/appendix/{directive}/")
    check(status == 200 and data.startswith(b"%PDF-"), f"appendix PDF: {status}")
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    check(title in " ".join(text.split()), "the appendix PDF does not list the task")
    status, data = office.request("/documents/xlsx/directives/")
    check(status == 200 and data[:2] == b"PK", f"directive register .xlsx: {status}")
    from openpyxl import load_workbook

    cells = {str(c) for row in load_workbook(io.BytesIO(data)).active.values for c in row}
    check(any(shown in c for c in cells), "the .xlsx register lacks the new directive")
    step("downloaded the appendix PDF and the directive register .xlsx (both list it)")

    status, _ = office.request("/static/admin/css/base.css")
    check(status == 200, f"static file: {status}")
    check(office.headers.get("Cache-Control") == "public, max-age=86400", "static not from nginx")
    status, page = office.request("/accounts/login/")
    css = re.search(rb'href="(/static/dondoc/css/dondoc\.[0-9a-f]{12}\.css)"', page)
    check(css, "the login page does not link the hashed style sheet")
    status, _ = office.request(css.group(1).decode())
    check(status == 200 and "immutable" in office.headers.get("Cache-Control", ""),
          f"hashed static file: {status} {office.headers.get('Cache-Control')}")  # fmt: skip
    step("nginx serves the collected static files itself, hashed ones cached for a year")

    health = wait_healthy(base, 30)
    check(health["ok"], f"healthz: {health}")
    requests, jobs = json_lines(log, "request"), json_lines(log, "job")
    check(any(r["path"] == "/accounts/login/" and r["status"] == 302 for r in requests),
          "no JSON request line for the logins")  # fmt: skip
    check(any(j["job"] == "tasks.tick" for j in jobs), "no JSON job line for the tick")
    step(f"logs: {len(requests)} JSON request lines, {len(jobs)} JSON job lines")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8113")
    parser.add_argument("--maildir", type=Path, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--tick-timeout", type=float, default=150)
    args = parser.parse_args()
    started = time.monotonic()
    try:
        run(args.base.rstrip("/"), args.maildir, args.log, args.tick_timeout)
    except StackError as error:
        print(f"stack: FAILED: {error}", file=sys.stderr)
        return 1
    print(f"stack: passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
