"""The safe expression evaluator used for every gateway condition, timer and service-task parameter.

SpiffWorkflow's own `PythonScriptEngine` is plain `eval`, so a diagram could run `__import__('os')`.
Here an expression is parsed with `ast` and checked against a whitelist before it is ever evaluated:
names from task data, literals, comparisons, boolean and arithmetic operators, conditionals, constant
subscripts and calls of a few registered functions. No attributes, no dunders, no lambdas, no
comprehensions, no builtins; no `*` or `%` either, since `'x' * 10**9` or `'%*d' % (...)` could
exhaust memory without any code running.
"""

from __future__ import annotations

import ast
import inspect
import math
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext

MAX_EXPRESSION_LENGTH = 1000

_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Div,
    ast.FloorDiv,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
    ast.IfExp,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Subscript,
    ast.Call,
    ast.keyword,
)

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": len,
    "str": str,
    "int": int,
    "bool": bool,
    "min": min,
    "max": max,
}
# How many positional arguments each built-in function takes (fewest, most; None: no limit); no keywords.
# `inspect.signature` cannot read most built-ins, and their keywords (`key=`, `base=`) are not needed here.
BUILTIN_ARITY: dict[str, tuple[int, int | None]] = {
    "len": (1, 1),
    "str": (0, 1),
    "int": (0, 1),
    "bool": (0, 1),
    "min": (1, None),
    "max": (1, None),
}
# Built-ins are pure and cheap, so a call of one on constants is evaluated when the expression is checked.
# Registered functions (which may read the database) are only checked for their arity.
PURE_FUNCTIONS = frozenset(BUILTIN_ARITY)
# Guards on what a constant may be: no literal beyond these bounds, so a check never builds a huge value.
MAX_CONSTANT_MAGNITUDE = 10**15
MAX_CONSTANT_LENGTH = MAX_EXPRESSION_LENGTH


def register_function(name: str, function: Callable[..., Any]) -> None:
    """Offer one more named function to expressions (e.g. `add_working_days` from the legal calendar).

    Its signature must be readable by `inspect.signature`: calls in diagrams are checked against it.
    """
    inspect.signature(function)
    FUNCTIONS[name] = function
    check_expression.cache_clear()


class ExpressionError(ValueError):
    """An expression that may not run, with the reason in words a legal officer understands."""


@lru_cache(maxsize=2048)
def check_expression(expression: str) -> ast.Expression:
    """Parse and whitelist-check one expression; raise ExpressionError with the reason."""
    if not isinstance(expression, str) or not expression.strip():
        raise ExpressionError(gettext("Biểu thức trống"))
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(
            gettext("Biểu thức dài quá %(max_expression_length)s ký tự")
            % {"max_expression_length": MAX_EXPRESSION_LENGTH}
        )
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(gettext("Biểu thức sai cú pháp: %(msg)s") % {"msg": error.msg}) from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(gettext("Không được dùng «%(name)s» trong biểu thức") % {"name": type(node).__name__})
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionError(gettext("Tên «%(id)s» không được phép") % {"id": node.id})
        if isinstance(node, ast.Call) and (not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS):
            name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            raise ExpressionError(gettext("Hàm «%(name)s» không có trong danh sách cho phép") % {"name": name})
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Constant):
            raise ExpressionError(gettext("Chỉ số phải là hằng số"))
        if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
            raise ExpressionError(gettext("Không dùng bytes"))
        if isinstance(node, ast.Constant):
            _check_literal(node.value)
        if isinstance(node, ast.Call):
            _check_arity(node)
    _check_constants(tree.body)
    return tree


def _check_literal(value: Any) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ExpressionError(gettext("Số «%(value)s» quá lớn") % {"value": value})
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > MAX_CONSTANT_MAGNITUDE:
        raise ExpressionError(
            gettext("Số quá lớn (tối đa %(max_constant_magnitude)s)")
            % {"max_constant_magnitude": MAX_CONSTANT_MAGNITUDE}
        )
    if isinstance(value, str) and len(value) > MAX_CONSTANT_LENGTH:
        raise ExpressionError(gettext("Chuỗi quá dài"))


def _check_arity(call: ast.Call) -> None:
    """A call with the wrong number of arguments fails every time it runs: refuse it now (`min()`, `len(a, b)`)."""
    assert isinstance(call.func, ast.Name)  # checked by the caller
    name, count = call.func.id, len(call.args)
    arity = BUILTIN_ARITY.get(name)
    if arity is not None:
        fewest, most = arity
        if call.keywords:
            raise ExpressionError(gettext("Hàm «%(name)s» không nhận tham số có tên") % {"name": name})
        if count < fewest or (most is not None and count > most):
            wanted = f"{fewest}" if fewest == most else f"{fewest}–{most}" if most is not None else f"≥ {fewest}"
            raise ExpressionError(
                gettext("Hàm «%(name)s» cần %(wanted)s tham số, có %(count)s")
                % {"name": name, "wanted": wanted, "count": count}
            )
        return
    try:
        inspect.signature(FUNCTIONS[name]).bind(*call.args, **{k.arg or "": k.value for k in call.keywords})
    except TypeError as error:
        raise ExpressionError(
            gettext("Gọi hàm «%(name)s» sai tham số: %(error)s") % {"name": name, "error": error}
        ) from None


def _is_constant(node: ast.AST) -> bool:
    """No data in it: only literals, operators and calls of pure built-ins on those."""
    if isinstance(node, ast.Name):
        return False
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in PURE_FUNCTIONS:
            return False
        return all(_is_constant(arg) for arg in node.args) and not node.keywords
    return all(_is_constant(child) for child in ast.iter_child_nodes(node))


def _check_constants(node: ast.AST) -> None:
    """Evaluate every largest data-free part of the expression now, so that one that always fails (`int(1e400)`,
    `1 / 0`, `len(5)`, `[1][3]`) is refused at validation instead of stopping a live case at this step.

    Each part is bounded: no `*`, `**` or `%` is allowed and every literal is within the guards above.
    """
    if _is_constant(node):
        _evaluate_constant(node)
        return
    divides = isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div | ast.FloorDiv)
    if divides and _is_constant(node.right) and _evaluate_constant(node.right) == 0:  # type: ignore[attr-defined]
        raise ExpressionError(gettext("Chia cho 0 trong «%(value)s»") % {"value": ast.unparse(node)})
    for child in ast.iter_child_nodes(node):
        _check_constants(child)


def _evaluate_constant(node: ast.AST) -> Any:
    if not isinstance(node, ast.expr):
        return None
    code = compile(ast.fix_missing_locations(ast.Expression(body=node)), "<constant>", "eval")
    try:
        value = eval(code, {"__builtins__": {}}, {name: FUNCTIONS[name] for name in PURE_FUNCTIONS})  # noqa: S307
    except Exception as error:  # any failure of a constant part is the diagram's error, reported as such
        raise ExpressionError(
            gettext("«%(value)s» luôn lỗi khi chạy: %(name)s: %(error)s")
            % {"value": ast.unparse(node), "name": type(error).__name__, "error": error}
        ) from None
    if isinstance(value, int | float | str):
        _check_literal(value)
    return value


@lru_cache(maxsize=2048)
def _compiled(expression: str) -> Any:
    return compile(check_expression(expression), "<expression>", "eval")


def evaluate(expression: str, data: Mapping[str, Any]) -> Any:
    """Evaluate a checked expression against task data. A missing name is an ExpressionError."""
    code = _compiled(expression)
    names = dict(data)
    names.update(FUNCTIONS)
    try:
        return eval(code, {"__builtins__": {}}, names)  # noqa: S307 - whitelisted above, no builtins
    except NameError as error:
        raise ExpressionError(gettext("Thiếu dữ liệu: %(error)s") % {"error": error}) from None
    except ValueError as error:  # its text may quote the case's data (`invalid literal for int(): '…'`)
        raise ExpressionError(gettext("Không tính được biểu thức: %(name)s") % {"name": type(error).__name__}) from None
    except Exception as error:  # whatever a whitelisted expression raises is the diagram's error
        raise ExpressionError(
            gettext("Không tính được biểu thức: %(name)s: %(error)s") % {"name": type(error).__name__, "error": error}
        ) from None
