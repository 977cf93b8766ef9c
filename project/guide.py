"""The user guide (docs/huong-dan/): one short page per role, in Vietnamese, served in the
product's frame and linked from its menu.

The pages are Markdown files a person edits in the repository; they are rendered with
markdown-it-py in CommonMark mode with raw HTML off (a page cannot carry a tag or a script:
it is shown as text) and its default link check (no javascript: or data: links). Images are
the browser scenario's screenshots (tests/browser, DONDOC_GUIDE_IMAGES=1), served from
docs/huong-dan/img/ by name only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt

from agencies.http import AuthenticatedRequest

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "huong-dan"
IMAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.png$")


@dataclass(frozen=True)
class GuidePage:
    slug: str
    title: str
    roles: tuple[str, ...]  # whose page it is: listed first for them


PAGES = (
    GuidePage("van-phong-thuong-truc", "Văn phòng / Cơ quan Thường trực", ("secretariat",)),
    GuidePage("chuyen-vien-co-quan", "Cán bộ đầu mối của cơ quan, đơn vị", ("agency_officer",)),
    GuidePage("thu-truong-co-quan", "Lãnh đạo cơ quan, đơn vị", ("agency_head",)),
    GuidePage("truong-ban", "Trưởng ban, Phó Trưởng ban", ("chair",)),
)
BY_SLUG = {page.slug: page for page in PAGES}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _image_url(src: str) -> str:
    """`img/x.png` in a page becomes the guide's image URL; anything else is left out."""
    name = src.removeprefix("img/")
    if src.startswith("img/") and IMAGE_NAME.match(name):
        return reverse("guide:image", args=[name])
    return ""


@lru_cache(maxsize=16)
def _render(slug: str, mtime: float) -> str:
    tokens = _markdown.parse((GUIDE_DIR / f"{slug}.md").read_text(encoding="utf-8"))
    for token in tokens:
        for child in token.children or []:
            if child.type == "image":
                child.attrSet("src", _image_url(str(child.attrGet("src") or "")))
                child.attrSet("loading", "lazy")
    return _markdown.renderer.render(tokens, _markdown.options, {})


def render_page(slug: str) -> SafeString:
    """The page as HTML: markdown-it escaped every text and dropped raw HTML."""
    source = GUIDE_DIR / f"{slug}.md"
    return mark_safe(_render(slug, source.stat().st_mtime))


@login_required
def guide_index(request: AuthenticatedRequest) -> HttpResponse:
    role = "admin" if request.user.is_superuser else (request.user.role or "")
    pages = sorted(PAGES, key=lambda page: role not in page.roles)
    return render(
        request,
        "project/guide.html",
        {
            "page_title": _("User guide"),
            "pages": pages,
            "mine": [p for p in pages if role in p.roles],
        },
    )


@login_required
def guide_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = BY_SLUG.get(slug)
    if page is None:
        raise Http404
    return render(
        request,
        "project/guide.html",
        {"page_title": page.title, "page": page, "body": render_page(slug), "pages": PAGES},
    )


@login_required
def guide_image(request: HttpRequest, name: str) -> FileResponse:
    if not IMAGE_NAME.match(name) or not (GUIDE_DIR / "img" / name).is_file():
        raise Http404
    return FileResponse((GUIDE_DIR / "img" / name).open("rb"), content_type="image/png")


app_name = "guide"
urlpatterns = [
    path("", guide_index, name="index"),
    path("img/<str:name>", guide_image, name="image"),
    path("<slug:slug>/", guide_page, name="page"),
]
