"""Owner-editable rule models (风险模型): schema, safe expressions, scoring, versions, what-if.

Public entry points::

    from scoring.rules import load_model, score, whatif, template_paths
"""

from __future__ import annotations

from pathlib import Path

from scoring.rules.engine import (
    COLOURS,
    ModelValidationError,
    assign_colours,
    check_model,
    explain,
    load_model,
    score,
    validate,
)
from scoring.rules.expr import ExprError, parse_expr
from scoring.rules.model import ModelFileError, RuleModel, parse_model, read_model

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "models"


def template_paths() -> list[Path]:
    """The shipped model templates (scoring/models/*.yaml), sorted by file name."""
    return sorted(TEMPLATES_DIR.glob("*.yaml"))


def composite_template_path() -> Path:
    """The shipped composite-index configuration."""
    return TEMPLATES_DIR / "composite" / "pingan_index.yaml"


__all__ = [
    "COLOURS",
    "ExprError",
    "ModelFileError",
    "ModelValidationError",
    "RuleModel",
    "assign_colours",
    "check_model",
    "composite_template_path",
    "explain",
    "load_model",
    "parse_expr",
    "parse_model",
    "read_model",
    "score",
    "template_paths",
    "validate",
]
