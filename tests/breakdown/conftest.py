import json
from pathlib import Path

import pytest

from breakdown.scoring import load_directory

SAMPLES = Path(__file__).parent / "samples"


def sample_paths() -> list[Path]:
    return sorted(p for p in SAMPLES.glob("*.txt") if p.with_suffix(".json").exists())


def load_sample(path: Path) -> tuple[str, dict]:
    spec = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return path.read_text(encoding="utf-8"), spec


@pytest.fixture(scope="session")
def directories() -> dict:
    return {p.stem: load_directory(p) for p in (SAMPLES / "committees").glob("*.json")}


@pytest.fixture(scope="session")
def kg(directories):
    return directories["KG"]


@pytest.fixture(scope="session")
def national(directories):
    return directories["NATIONAL"]
