"""The static files storage: WhiteNoise's hashed names and compressed copies, for what pages load.

viewflow's wheel carries the npm packages its files were built from (node_modules/, whose style
sheets point at fonts that are not there, which the hashing refuses), Plotly Dash (js/contrib/,
40 MB), the vis-network graph library and the Simple Icons font; no page of the product loads
them. They are copied as they are, but neither hashed nor compressed: collectstatic stays quick
(each file is hashed and compressed twice) and does not fail on their broken references.
"""

from collections.abc import Iterator
from fnmatch import fnmatch
from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage

UNUSED = [
    "*/node_modules/*",
    "viewflow/js/contrib/*",
    "viewflow/js/vis-network.*",
    "viewflow/css/vis-network.*",
    "viewflow/fonts/simple-icons/*",
]


def unused(name: str) -> bool:
    return any(fnmatch(name, pattern) for pattern in UNUSED)


class StaticStorage(CompressedManifestStaticFilesStorage):
    def post_process(self, paths: dict, dry_run: bool = False, **options: Any) -> Iterator:
        used = {name: value for name, value in paths.items() if not unused(name)}
        yield from super().post_process(used, dry_run, **options)
