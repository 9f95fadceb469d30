"""A small, safe, vectorised expression language for model factors (因子表达式).

A factor is written by a department (e.g. ``cnt_theft_4w + 0.5*nbr_theft_4w``,
``ctx_rentals > 20``, ``log1p(ctx_three_small)``, ``min(x, 10)``) and evaluated over whole
columns at once.

Why not ``eval()`` or ``pandas.eval``: both run arbitrary Python given a crafted string
(``__import__('os').system(...)``, attribute walks such as ``().__class__.__bases__``, or
``@local`` lookups in ``pandas.eval``), and a model file is data edited by many departments.
So we parse with :mod:`ast` and walk a whitelist: numbers, column names, ``+ - * / ** %``,
comparisons, ``and``/``or``/``not``, and the functions in :data:`FUNCTIONS`. Anything else —
attribute access, subscripts, lambdas, comprehensions, strings, keyword arguments, names of
functions outside the whitelist — is refused at parse time with the offending piece named.

Semantics (numpy float64 arrays, one value per row):

- comparisons and ``and``/``or``/``not`` give 1.0 / 0.0; a value counts as true when non-zero;
- ``a / b`` gives 0 where ``b`` is 0 (a rate over an empty cell is no risk, not infinity);
- ``min``/``max`` are element-wise and take two or more arguments;
- ``clip(x, lo, hi)``, ``where(cond, a, b)``, ``log1p``, ``sqrt`` (of ``max(x, 0)``), ``abs``;
- missing input values (NaN) are read as 0.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

MAX_LENGTH = 1000
MAX_NODES = 200


class ExprError(ValueError):
    """An expression that is not valid or not allowed; the message says which part."""


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    out = np.zeros(a.shape, dtype=float)
    np.divide(a, b, out=out, where=b != 0)
    return out


def _safe_mod(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    out = np.zeros(a.shape, dtype=float)
    np.mod(a, b, out=out, where=b != 0)
    return out


def _pow(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        return np.power(np.asarray(a, dtype=float), np.asarray(b, dtype=float))


_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: _safe_div,
    ast.Pow: _pow,
    ast.Mod: _safe_mod,
}

_CMPOPS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


def _nary(fn: Callable[[Any, Any], Any]) -> Callable[..., np.ndarray]:
    def f(*args: np.ndarray) -> np.ndarray:
        out = args[0]
        for a in args[1:]:
            out = fn(out, a)
        return np.asarray(out, dtype=float)

    return f


def _sqrt(x: np.ndarray) -> np.ndarray:
    return np.sqrt(np.maximum(np.asarray(x, dtype=float), 0.0))


def _log1p(x: np.ndarray) -> np.ndarray:
    return np.log1p(np.maximum(np.asarray(x, dtype=float), 0.0))


def _where(c: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(c) != 0, a, b).astype(float)


def _clip(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.minimum(np.maximum(np.asarray(x, dtype=float), lo), hi)


#: name → (function, minimum number of arguments, maximum number or None for unbounded).
FUNCTIONS: dict[str, tuple[Callable[..., np.ndarray], int, int | None]] = {
    "log1p": (_log1p, 1, 1),
    "sqrt": (_sqrt, 1, 1),
    "abs": (np.abs, 1, 1),
    "min": (_nary(np.minimum), 2, None),
    "max": (_nary(np.maximum), 2, None),
    "clip": (_clip, 3, 3),
    "where": (_where, 3, 3),
}


def _describe(node: ast.AST) -> str:
    return f"{type(node).__name__} `{ast.unparse(node)}`"


@dataclass(frozen=True)
class Expr:
    """A parsed, checked factor expression. ``names`` are the columns it reads."""

    source: str
    tree: ast.Expression = field(repr=False, compare=False)
    names: frozenset[str]

    def evaluate(self, frame: pd.DataFrame | Mapping[str, Any], n: int | None = None) -> np.ndarray:
        """Evaluate over whole columns; return a float64 array of one value per row.

        ``frame`` is a DataFrame (or a mapping of column name → array); a column it lacks raises
        :class:`ExprError` naming it.
        """
        if n is None:
            n = len(frame) if isinstance(frame, pd.DataFrame) else len(next(iter(frame.values()), []))
        cols: dict[str, np.ndarray] = {}
        for name in self.names:
            if name not in frame:
                raise ExprError(f"expression `{self.source}`: column `{name}` is not in the data")
            raw = np.asarray(frame[name])
            if raw.dtype.kind in "fiub":
                v = raw.astype(float, copy=False)
            else:
                v = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(dtype=float)
            cols[name] = np.where(np.isnan(v), 0.0, v) if np.isnan(v).any() else v
        out = _Evaluator(cols).visit(self.tree.body)
        return np.broadcast_to(np.asarray(out, dtype=float), (n,)).copy()


class _Checker(ast.NodeVisitor):
    """Refuse every node outside the whitelist; collect the column names."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.count = 0

    def generic_visit(self, node: ast.AST) -> None:
        raise ExprError(f"not allowed: {_describe(node)}")

    def visit(self, node: ast.AST) -> None:
        self.count += 1
        if self.count > MAX_NODES:
            raise ExprError(f"expression too long (more than {MAX_NODES} parts)")
        super().visit(node)

    def visit_Expression(self, node: ast.Expression) -> None:
        self.visit(node.body)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ExprError(f"only numbers are allowed as constants, not {node.value!r}")

    def visit_Name(self, node: ast.Name) -> None:
        if node.id.startswith("_"):
            raise ExprError(f"names starting with '_' are not allowed: `{node.id}`")
        if node.id in FUNCTIONS:
            raise ExprError(f"`{node.id}` is a function; call it like {node.id}(x)")
        self.names.add(node.id)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if type(node.op) not in _BINOPS:
            raise ExprError(f"operator not allowed: {_describe(node)}")
        self.visit(node.left)
        self.visit(node.right)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if not isinstance(node.op, ast.USub | ast.UAdd | ast.Not):
            raise ExprError(f"operator not allowed: {_describe(node)}")
        self.visit(node.operand)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        for v in node.values:
            self.visit(v)

    def visit_Compare(self, node: ast.Compare) -> None:
        for op in node.ops:
            if type(op) not in _CMPOPS:
                raise ExprError(f"comparison not allowed: {_describe(node)}")
        self.visit(node.left)
        for c in node.comparators:
            self.visit(c)

    def visit_Call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name):
            raise ExprError(f"only the functions {sorted(FUNCTIONS)} may be called, not {_describe(node.func)}")
        name = node.func.id
        if name not in FUNCTIONS:
            raise ExprError(f"unknown function `{name}`; allowed: {', '.join(sorted(FUNCTIONS))}")
        if node.keywords:
            raise ExprError(f"keyword arguments are not allowed in `{name}(...)`")
        _, lo, hi = FUNCTIONS[name]
        n = len(node.args)
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise ExprError(f"`*args` is not allowed in `{name}(...)`")
        if n < lo or (hi is not None and n > hi):
            want = f"{lo}" if lo == hi else f"at least {lo}" if hi is None else f"{lo}-{hi}"
            raise ExprError(f"`{name}` takes {want} argument(s), got {n}")
        for a in node.args:
            self.visit(a)


class _Evaluator(ast.NodeVisitor):
    """Evaluate a checked tree over numpy arrays (the checker has refused everything else)."""

    def __init__(self, cols: dict[str, np.ndarray]) -> None:
        self.cols = cols

    def visit_Constant(self, node: ast.Constant) -> Any:
        return float(node.value)

    def visit_Name(self, node: ast.Name) -> Any:
        return self.cols[node.id]

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        return _BINOPS[type(node.op)](self.visit(node.left), self.visit(node.right))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        v = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return (np.asarray(v) == 0).astype(float)
        return -v if isinstance(node.op, ast.USub) else v

    def visit_BoolOp(self, node: ast.BoolOp) -> Any:
        vals = [np.asarray(self.visit(v)) != 0 for v in node.values]
        fn = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        out = vals[0]
        for v in vals[1:]:
            out = fn(out, v)
        return np.asarray(out, dtype=float)

    def visit_Compare(self, node: ast.Compare) -> Any:
        left = self.visit(node.left)
        out: Any = True
        for op, comp in zip(node.ops, node.comparators, strict=True):
            right = self.visit(comp)
            out = np.logical_and(out, _CMPOPS[type(op)](left, right))
            left = right
        return np.asarray(out, dtype=float)

    def visit_Call(self, node: ast.Call) -> Any:
        fn = FUNCTIONS[node.func.id][0]  # type: ignore[attr-defined]
        return fn(*(self.visit(a) for a in node.args))


def parse_expr(source: str) -> Expr:
    """Parse and check a factor expression; raise :class:`ExprError` on anything not allowed."""
    if not isinstance(source, str) or not source.strip():
        raise ExprError("empty expression")
    if len(source) > MAX_LENGTH:
        raise ExprError(f"expression longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as e:
        raise ExprError(f"syntax error in `{source}`: {e.msg} (column {e.offset})") from None
    except (ValueError, RecursionError, MemoryError) as e:  # e.g. NUL bytes, absurd nesting
        raise ExprError(f"cannot parse the expression: {e}") from None
    checker = _Checker()
    checker.visit(tree)
    return Expr(source=source, tree=tree, names=frozenset(checker.names))


def evaluate(source: str, frame: pd.DataFrame | Mapping[str, Any]) -> np.ndarray:
    """Parse, check and evaluate ``source`` over ``frame`` in one call."""
    return parse_expr(source).evaluate(frame)
