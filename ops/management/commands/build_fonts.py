"""Rebuild the product's web fonts, small: `manage.py build_fonts` (needs fonttools and Brotli,
both in requirements-dev). The results are committed under project/static/dondoc/fonts/, so a
production machine needs neither tool.

- Roboto (regular, medium, bold) cut to Latin and Vietnamese: viewflow ships the whole of each
  weight, 60–120 KB apiece, of which the product shows only these two scripts.
- Material Icons cut to the icons the product and viewflow's frame draw (ICONS below), 129 KB →
  a few KB. The font draws an icon from its name by a ligature ("inbox" → the inbox glyph); the
  subsetter would keep every ligature spelt with the letters a–z, so the ligature table is first
  pruned to the wanted names. tests/ops/test_fonts.py fails when a page uses an icon left out.
"""

from pathlib import Path
from typing import Any

import viewflow
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

try:  # a build tool, in requirements-dev only: production never runs this command
    from fontTools import subset
    from fontTools.ttLib import TTFont
except ImportError:  # pragma: no cover - the dev requirements install it
    subset = TTFont = None

VIEWFLOW_FONTS = Path(viewflow.__file__).resolve().parent / "static" / "viewflow" / "fonts"
OUT = Path(settings.BASE_DIR) / "project" / "static" / "dondoc" / "fonts"

# Basic Latin and Latin-1, the Vietnamese letters (Ă Đ Ĩ Ũ Ơ Ư and the Latin Extended Additional
# block with their tones), the combining tone marks, the đồng sign and general punctuation
# (dashes, quotes, ellipsis, bullet) — the subset Google Fonts serves as "vietnamese" + "latin".
LATIN_VIETNAMESE = (
    "U+0000-00FF,U+0102-0103,U+0110-0111,U+0128-0129,U+0131,U+0152-0153,U+0168-0169,"
    "U+01A0-01A1,U+01AF-01B0,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0300-0301,U+0303-0304,"
    "U+0308-0309,U+0323,U+0329,U+1EA0-1EF9,U+2000-206F,U+20AB,U+20AC,U+2122,U+2191,U+2193,"
    "U+2212,U+2215,U+FEFF,U+FFFD"
)
ROBOTO_WEIGHTS = {"Regular": 400, "Medium": 500, "Bold": 700}

# Every icon a page can draw: the product's templates and menu (project/menu.py), viewflow's
# frame, lists and forms (its templates, its Icon(...) defaults and its script).
ICONS = sorted(
    {
        # the product's menu (project/menu.py MENU, the site's apps, workflows/viewsets.py ICONS)
        *"insights inbox apartment description rate_review alarm approval list_alt".split(),
        *"account_balance groups people policy event_repeat notifications".split(),
        # the product's templates
        *"attach_file picture_as_pdf download table_view schedule auto_awesome lock".split(),
        *"lock_open error error_outline thumb_up not_interested archive dashboard".split(),
        # viewflow's frame, lists, forms and flow pages
        *"menu arrow_drop_down arrow_back account_box account_circle exit_to_app".split(),
        *"navigate_before navigate_next chevron_left chevron_right more_vert more_horiz".split(),
        *"filter_list list view_carousel view_comfy view_module add add_circle remove".split(),
        *"build check close delete indeterminate_check_box clear search event".split(),
        *"calendar_today today visibility visibility_off expand_more expand_less".split(),
        *"keyboard_arrow_down keyboard_arrow_up arrow_upward arrow_downward".split(),
        *"arrow_forward done edit info warning help upload file_upload cloud_upload".split(),
        *"print refresh history person settings logout login home help_outline".split(),
        # the e-government exchange (egov/)
        *"verified outbox move_to_inbox send upload_file".split(),
    }
)


class Command(BaseCommand):
    help = "Subset Roboto and Material Icons into project/static/dondoc/fonts/ (committed)."

    def handle(self, *args: Any, **options: Any) -> None:
        if subset is None:
            raise CommandError("build_fonts needs fonttools and brotli (make install-dev)")
        OUT.mkdir(parents=True, exist_ok=True)
        for name in ROBOTO_WEIGHTS:
            src = VIEWFLOW_FONTS / "roboto" / f"Roboto-{name}.woff2"
            dst = OUT / f"roboto-{name.lower()}-vi.woff2"
            _subset_text_font(src, dst)
            self.stdout.write(f"{dst.name}: {src.stat().st_size} → {dst.stat().st_size} bytes")
        src = VIEWFLOW_FONTS / "material-icons" / "material-icons.woff2"
        dst = OUT / "material-icons-dondoc.woff2"
        missing = _subset_icon_font(src, dst, ICONS)
        if missing:
            raise CommandError(f"not in Material Icons: {', '.join(missing)}")
        self.stdout.write(f"{dst.name}: {src.stat().st_size} → {dst.stat().st_size} bytes")


def _options() -> Any:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    # Hinting is for Windows at small sizes of old renderers; it is a third of each file.
    options.hinting = False
    options.drop_tables += ["DSIG"]
    return options


def _subset_text_font(src: Path, dst: Path) -> None:
    font = TTFont(src, recalcTimestamp=False)
    subsetter = subset.Subsetter(options=_options())
    subsetter.populate(unicodes=subset.parse_unicodes(LATIN_VIETNAMESE))
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(dst)


def icon_names(font: Any) -> dict[str, str]:
    """Each ligature of an icon font: the icon's name → its glyph."""
    reverse_cmap = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    names = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            for first, ligatures in getattr(table, "ligatures", {}).items():
                for ligature in ligatures:
                    glyphs = [first, *ligature.Component]
                    if all(g in reverse_cmap for g in glyphs):
                        names["".join(reverse_cmap[g] for g in glyphs)] = ligature.LigGlyph
    return names


def _subset_icon_font(src: Path, dst: Path, wanted: list[str]) -> list[str]:
    font = TTFont(src, recalcTimestamp=False)
    available = icon_names(font)
    missing = [name for name in wanted if name not in available]
    keep = {available[name] for name in wanted if name in available}
    # Prune the ligature table to the wanted icons, or the subsetter's closure keeps them all.
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            if hasattr(table, "ligatures"):
                table.ligatures = {
                    first: [lig for lig in ligatures if lig.LigGlyph in keep]
                    for first, ligatures in table.ligatures.items()
                }
                table.ligatures = {k: v for k, v in table.ligatures.items() if v}
    letters = "abcdefghijklmnopqrstuvwxyz0123456789_"
    subsetter = subset.Subsetter(options=_options())
    subsetter.populate(glyphs=sorted(keep), unicodes=[ord(c) for c in letters])
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(dst)
    return missing
