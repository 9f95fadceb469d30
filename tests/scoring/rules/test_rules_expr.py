"""The factor expression evaluator: whitelist, vectorised results, refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.rules.expr import ExprError, evaluate, parse_expr


@pytest.fixture()
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "a": [0.0, 1.0, 4.0, 9.0],
            "b": [2.0, 0.0, 2.0, np.nan],
            "flag": [0, 1, 0, 1],
        }
    )


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("a + 0.5*b", [1.0, 1.0, 5.0, 9.0]),  # NaN read as 0
        ("a - b", [-2.0, 1.0, 2.0, 9.0]),
        ("a / b", [0.0, 0.0, 2.0, 0.0]),  # division by 0 gives 0
        ("a ** 2", [0.0, 1.0, 16.0, 81.0]),
        ("a % 2", [0.0, 1.0, 0.0, 1.0]),
        ("-a", [-0.0, -1.0, -4.0, -9.0]),
        ("a > 1", [0.0, 0.0, 1.0, 1.0]),
        ("1 <= a < 5", [0.0, 1.0, 1.0, 0.0]),
        ("a == 4", [0.0, 0.0, 1.0, 0.0]),
        ("a != 4", [1.0, 1.0, 0.0, 1.0]),
        ("flag and a > 2", [0.0, 0.0, 0.0, 1.0]),
        ("flag or b", [1.0, 1.0, 1.0, 1.0]),
        ("not flag", [1.0, 0.0, 1.0, 0.0]),
        ("log1p(a)", list(np.log1p([0.0, 1.0, 4.0, 9.0]))),
        ("sqrt(a)", [0.0, 1.0, 2.0, 3.0]),
        ("sqrt(a - 4)", [0.0, 0.0, 0.0, np.sqrt(5.0)]),
        ("abs(b - a)", [2.0, 1.0, 2.0, 9.0]),
        ("min(a, 3)", [0.0, 1.0, 3.0, 3.0]),
        ("max(a, b, 3)", [3.0, 3.0, 4.0, 9.0]),
        ("clip(a, 1, 5)", [1.0, 1.0, 4.0, 5.0]),
        ("where(flag, a, -1)", [-1.0, 1.0, -1.0, 9.0]),
        ("7", [7.0, 7.0, 7.0, 7.0]),
    ],
)
def test_evaluates_vectorised(frame: pd.DataFrame, src: str, expected: list[float]) -> None:
    out = evaluate(src, frame)
    assert out.dtype == np.float64
    assert out.shape == (4,)
    np.testing.assert_allclose(out, expected)


def test_names_are_collected() -> None:
    assert parse_expr("cnt_theft_4w + 0.5*nbr_theft_4w > min(x, 10)").names == {
        "cnt_theft_4w", "nbr_theft_4w", "x"
    }


@pytest.mark.parametrize(
    ("src", "fragment"),
    [
        ("__import__('os').system('true')", "_"),
        ("a.__class__", "Attribute"),
        ("a.real", "Attribute"),
        ("(lambda: 1)()", "Lambda"),
        ("lambda x: x", "Lambda"),
        ("a[0]", "Subscript"),
        ("[x for x in a]", "ListComp"),
        ("'text'", "only numbers"),
        ("True", "only numbers"),
        ("open('f')", "unknown function `open`"),
        ("eval('1')", "unknown function `eval`"),
        ("min(a)", "at least 2"),
        ("clip(a, 1)", "takes 3"),
        ("min(a, b=1)", "keyword"),
        ("a if b else 0", "IfExp"),
        ("a << 2", "operator not allowed"),
        ("a in b", "comparison not allowed"),
        ("a is b", "comparison not allowed"),
        ("~a", "operator not allowed"),
        ("a +", "syntax error"),
        ("", "empty"),
        ("x := 1", "syntax error"),
        ("log1p", "is a function"),
        ("f(a)(b)", "only the functions"),
    ],
)
def test_refuses_what_is_not_whitelisted(src: str, fragment: str) -> None:
    with pytest.raises(ExprError) as e:
        parse_expr(src)
    assert fragment in str(e.value)


def test_refuses_long_expressions() -> None:
    with pytest.raises(ExprError, match="too long"):
        parse_expr(" + ".join(["a"] * 150))
    with pytest.raises(ExprError, match="too long"):
        parse_expr("-" * 990 + "a")
    with pytest.raises(ExprError):
        parse_expr("(" * 300 + "a" + ")" * 300)
    with pytest.raises(ExprError):
        parse_expr("a\x00")
    with pytest.raises(ExprError, match="longer than"):
        parse_expr("a" * 1001)


def test_missing_column_is_named(frame: pd.DataFrame) -> None:
    with pytest.raises(ExprError, match="`zz`"):
        evaluate("a + zz", frame)


def test_nothing_runs_at_parse_time(tmp_path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(ExprError):
        parse_expr(f"__import__('pathlib').Path('{marker}').touch()")
    assert not marker.exists()


def test_large_frame_is_one_vector_op() -> None:
    n = 200_000
    df = pd.DataFrame({"a": np.arange(n, dtype=float), "b": np.ones(n)})
    out = evaluate("where(a > 10, log1p(a) * b, 0)", df)
    assert out.shape == (n,)
    assert out[5] == 0.0 and out[11] == pytest.approx(np.log1p(11.0))
