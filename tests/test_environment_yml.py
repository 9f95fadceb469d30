"""environment.yml (conda-forge) and pyproject.toml must declare the same dependencies."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# conda-forge spells a few packages differently
CONDA_NAMES = {"h3-py": "h3"}


def _name(spec: str) -> str:
    name = re.split(r"[<>=!\[ ]", spec.strip(), maxsplit=1)[0].lower()
    return CONDA_NAMES.get(name, name)


def test_same_dependencies() -> None:
    py = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    want = {_name(s) for s in py["dependencies"] + py["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    have: set[str] = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            have |= {_name(s) for s in dep.get("pip", [])}
        else:
            have.add(_name(dep))
    have -= {"python", "pip"}
    assert want == have, f"only in pyproject: {want - have}; only in environment.yml: {have - want}"
