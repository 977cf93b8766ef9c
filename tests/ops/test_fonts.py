"""The subset fonts (manage.py build_fonts) still draw what the pages show: every icon a template
or the menu names, and every Vietnamese letter."""

import re
from pathlib import Path

import pytest
import viewflow
from django.conf import settings

from ops.management.commands.build_fonts import ICONS, OUT, icon_names
from project.menu import MENU
from project.site import site
from workflows.viewsets import ICONS as FLOW_ICONS

ttLib = pytest.importorskip("fontTools.ttLib")

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [
    *(p for p in ROOT.glob("*/templates") if ".venv" not in p.parts),
    Path(viewflow.__file__).parent / "templates",
]
ICON_IN_TEMPLATE = re.compile(r'class="[^"]*material-icons[^"]*"[^>]*>([a-z0-9_]+)</')


def used_icons() -> set[str]:
    names = {link.icon for link in MENU} | set(FLOW_ICONS.values())
    names |= {str(app.icon) for app in site.viewsets if isinstance(getattr(app, "icon", None), str)}
    for folder in TEMPLATE_DIRS:
        for template in folder.rglob("*.html"):
            names |= set(ICON_IN_TEMPLATE.findall(template.read_text(encoding="utf-8")))
    return names


def test_every_icon_a_page_draws_is_in_the_subset_icon_font():
    font = ttLib.TTFont(OUT / "material-icons-dondoc.woff2")
    drawn = set(icon_names(font))
    missing = used_icons() - drawn
    assert not missing, f"add to build_fonts.ICONS and run manage.py build_fonts: {missing}"
    assert set(ICONS) <= drawn
    assert (OUT / "material-icons-dondoc.woff2").stat().st_size < 20_000  # not the 129 KB font


@pytest.mark.parametrize("weight", ["regular", "medium", "bold"])
def test_roboto_subsets_draw_every_vietnamese_letter(weight):
    cmap = ttLib.TTFont(OUT / f"roboto-{weight}-vi.woff2").getBestCmap()
    letters = "ĂÂĐÊÔƠƯăâđêôơư" + "ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
    letters += letters.lower() + "àáãèéìíòóõùúýÀÁÃÈÉÌÍÒÓÕÙÚÝĩũĨŨ₫–“”…"
    assert not [c for c in letters if ord(c) not in cmap]
    assert (OUT / f"roboto-{weight}-vi.woff2").stat().st_size < 30_000
