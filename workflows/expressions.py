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
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

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


def register_function(name: str, function: Callable[..., Any]) -> None:
    """Offer one more named function to expressions (e.g. `add_working_days` from the legal calendar)."""
    FUNCTIONS[name] = function


class ExpressionError(ValueError):
    """An expression that may not run, with the reason in words a legal officer understands."""


@lru_cache(maxsize=2048)
def check_expression(expression: str) -> ast.Expression:
    """Parse and whitelist-check one expression; raise ExpressionError with the reason."""
    if not isinstance(expression, str) or not expression.strip():
        raise ExpressionError("Biểu thức trống / empty expression")
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"Biểu thức dài quá {MAX_EXPRESSION_LENGTH} ký tự / expression too long")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"Biểu thức sai cú pháp / syntax error: {error.msg}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(
                f"Không được dùng «{type(node).__name__}» trong biểu thức / not allowed: {type(node).__name__}"
            )
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionError(f"Tên «{node.id}» không được phép / name not allowed: {node.id}")
        if isinstance(node, ast.Call) and (not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS):
            name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            raise ExpressionError(f"Hàm «{name}» không có trong danh sách cho phép / function not allowed: {name}")
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Constant):
            raise ExpressionError("Chỉ số phải là hằng số / subscripts must be constants")
        if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
            raise ExpressionError("Không dùng bytes / bytes literals are not allowed")
    return tree


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
        raise ExpressionError(f"Thiếu dữ liệu / missing data: {error}") from None
    except (TypeError, ValueError, ZeroDivisionError, KeyError, IndexError) as error:
        raise ExpressionError(f"Không tính được biểu thức / cannot evaluate: {error}") from None
