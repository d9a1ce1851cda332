"""The small expression language of percentage rules: arithmetic over named count inputs.

A percentage question of a catalog computes its value (0..1) from the counts
a unit types, with a rule written as one expression, e.g.

    0 if n1 == 0 else min(1, n2 / n1)

Allowed: numbers, the question's input keys (n1, n2, …), `+ - * /`,
comparisons (`== != < <= > >=`), `and`, `or`, `not`, `x if condition else y`
and the functions `min`, `max`, `abs`. Nothing else: no attributes, no
subscripts, no strings, no powers, no other names or calls.

Evaluated with simpleeval (danthedeckie/simpleeval), a library made for
exactly this — it walks Python's `ast` and never calls `eval` — configured
with only the operators and functions above. The catalog loader first checks
each expression against the same whitelist with `check()`, so a file that
names an input the question does not have, or uses anything outside the
language, is refused with its line before anything is written.
"""

from __future__ import annotations

import ast
import itertools
import operator
from collections.abc import Mapping
from functools import lru_cache

from django.utils.translation import gettext as _
from simpleeval import SimpleEval

FUNCTIONS = {"min": min, "max": max, "abs": abs}
OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Not: operator.not_,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.Name,
    ast.Constant,
    ast.Load,
    ast.And,
    ast.Or,
    *OPERATORS,
)
MAX_LENGTH = 500


class ExpressionError(ValueError):
    """The expression is outside the language, or cannot be computed from these inputs."""


def check(expression: str, names: set[str] | frozenset[str]) -> list[str]:
    """Problems of an expression over the given input names (empty when it is fine)."""
    if not isinstance(expression, str) or not expression.strip():
        return [_("aturan kosong")]
    if len(expression) > MAX_LENGTH:
        return [_("aturan lebih dari %(max)d karakter") % {"max": MAX_LENGTH}]
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        return [_("aturan tidak dapat dibaca (%(error)s)") % {"error": error.msg}]
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, NODES):
            problems.append(
                _("%(node)s tidak diperbolehkan dalam aturan") % {"node": type(node).__name__}
            )
        elif isinstance(node, ast.Constant) and (
            isinstance(node.value, bool) or not isinstance(node.value, int | float)
        ):
            problems.append(
                _("aturan hanya boleh memuat angka, bukan %(value)r") % {"value": node.value}
            )
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                problems.append(
                    _("aturan hanya boleh memanggil fungsi %(functions)s")
                    % {"functions": ", ".join(sorted(FUNCTIONS))}
                )
            elif node.keywords:
                problems.append(_("fungsi dalam aturan tidak menerima argumen bernama"))
        elif isinstance(node, ast.Name) and node.id not in names and node.id not in FUNCTIONS:
            problems.append(
                _("%(name)r bukan salah satu isian %(inputs)s")
                % {"name": node.id, "inputs": sorted(names)}
            )
    return problems


@lru_cache(maxsize=1024)
def _parsed(expression: str) -> ast.AST:
    return SimpleEval.parse(expression.strip())


def evaluate(expression: str, values: Mapping[str, float]) -> float:
    """The expression's value for these inputs. Raises ExpressionError (e.g. a division by zero)."""
    evaluator = SimpleEval(operators=OPERATORS, functions=FUNCTIONS, names=dict(values))
    try:
        result = evaluator.eval(expression, previously_parsed=_parsed(expression))
    except ZeroDivisionError:
        raise ExpressionError("division by zero") from None
    except Exception as error:  # simpleeval's own errors: unknown name, feature not available
        raise ExpressionError(str(error)) from None
    if isinstance(result, bool) or not isinstance(result, int | float):
        raise ExpressionError(f"the rule gives {result!r}, not a number")
    return float(result)


def preset(rule: Mapping) -> str:
    """The expression of a rule, the named presets of catalog format 1 spelled out.

    `ratio` and `decrease` are shorthands kept so that older catalogs and rows an
    admin edited still load; they are evaluated as these expressions.
    """
    kind = rule.get("kind")
    if kind == "expression":
        return str(rule.get("expression", ""))
    if kind == "ratio":
        numerator, denominator = rule["numerator"], rule["denominator"]
        return (
            f"{_number(rule.get('if_zero_denominator', 0))} if {denominator} == 0 "
            f"else min({_number(rule.get('cap', 1))}, max(0, {numerator} / {denominator}))"
        )
    if kind == "decrease":
        previous, current = rule["previous"], rule["current"]
        return (
            f"({_number(rule.get('if_both_zero', 1))} if {current} == 0 "
            f"else {_number(rule.get('if_zero_previous', 0))}) if {previous} == 0 "
            f"else max(0, min(1, ({previous} - {current}) / {previous}))"
        )
    raise ExpressionError(f"unknown rule kind {kind!r}")


def _number(value) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


SAMPLE_COUNTS = (0, 1, 3, 10)


def names_in(expression: str) -> list[str]:
    """The input names an expression reads, sorted."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return []
    return sorted(
        {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id not in FUNCTIONS}
    )


@lru_cache(maxsize=256)
def equivalent(first: str, second: str) -> bool:
    """Whether two rules give the same value for every sampled input (each input 0, 1, 3 or 10).

    Used to tell a rule written differently (a format-1 `ratio` spelled out as an
    expression) from a rule that computes something else. At most five inputs are sampled.
    """
    names = sorted(set(names_in(first)) | set(names_in(second)))
    if len(names) > 5:
        return first.strip() == second.strip()
    for combination in itertools.product(SAMPLE_COUNTS, repeat=len(names)):
        values = dict(zip(names, map(float, combination), strict=True))
        results = []
        for expression in (first, second):
            try:
                results.append(evaluate(expression, values))
            except ExpressionError as error:
                results.append(str(error))
        if results[0] != results[1]:
            return False
    return True


_EXCEL_OPERATORS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Eq: "=",
    ast.NotEq: "<>",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}


def excel_formula(expression: str, cells: Mapping[str, str]) -> str:
    """The same rule as an Excel formula over the cells that hold the inputs (no leading "=").

    `cells` maps each input name to its cell ("K12"). Excel's IF, like Python's
    conditional, computes only the branch it takes, so a guarded division
    stays guarded; `and`/`or`/`not` become AND/OR/NOT and `min`/`max`/`abs`
    their Excel namesakes. Only the language `check` accepts is translated.
    """

    def formula(node: ast.AST) -> str:
        if isinstance(node, ast.Expression):
            return formula(node.body)
        if isinstance(node, ast.Constant):
            return _number(node.value)
        if isinstance(node, ast.Name):
            return cells[node.id]
        if isinstance(node, ast.BinOp):
            return f"({formula(node.left)}{_EXCEL_OPERATORS[type(node.op)]}{formula(node.right)})"
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return f"NOT({formula(node.operand)})"
            sign = "-" if isinstance(node.op, ast.USub) else "+"
            return f"({sign}{formula(node.operand)})"
        if isinstance(node, ast.BoolOp):
            name = "AND" if isinstance(node.op, ast.And) else "OR"
            return f"{name}({','.join(formula(value) for value in node.values)})"
        if isinstance(node, ast.Compare):
            pairs = zip([node.left, *node.comparators], node.comparators, strict=False)
            parts = [
                f"{formula(left)}{_EXCEL_OPERATORS[type(op)]}{formula(right)}"
                for (left, right), op in zip(pairs, node.ops, strict=True)
            ]
            return parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"
        if isinstance(node, ast.IfExp):
            return f"IF({formula(node.test)},{formula(node.body)},{formula(node.orelse)})"
        if isinstance(node, ast.Call):
            name = node.func.id.upper()
            return f"{name}({','.join(formula(argument) for argument in node.args)})"
        raise ExpressionError(f"{type(node).__name__} cannot be written as a formula")

    return formula(ast.parse(expression.strip(), mode="eval"))
