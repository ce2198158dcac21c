"""Parse expression text into the syntax tree, once per distinct text.

Lark's LALR parser reads grammar.lark; a builder then turns Lark's tree into the small frozen
nodes of syntax_tree, which is all evaluation touches.
"""

import functools
import json
import re
from dataclasses import replace

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedToken

from tools.expressions.errors import (
    ExpressionError,
    ExpressionSyntaxError,
    UnknownFunctionError,
    closest_match,
)
from tools.expressions.functions import FUNCTIONS
from tools.expressions.paths import (
    ROOT_EXPRESSION,
    ROOT_NAME,
    ROOT_NODES,
    ROOT_RESERVED,
)
from tools.expressions.pathtext import RESERVED_ROOTS
from tools.expressions.syntax_tree import (
    Add,
    And,
    Arithmetic,
    Call,
    Conditional,
    Equality,
    Expression,
    Literal,
    Negate,
    Not,
    Or,
    Path,
    Relation,
    Segment,
)
from tools.expressions.values import normalize_number

# Distinct expression texts kept parsed; a workflow has tens to hundreds of them.
PARSE_CACHE_SIZE = 8192

_VALUE = "a value"
_END = "the end of the expression"
_VALUE_TERMINALS = frozenset({"NAME", "NUMBER", "STRING", "TRUE", "FALSE", "NULL", "LPAR", "BANG"})
_CLOSING_TERMINALS = {"RPAR": '")"', "RSQB": '"]"', "COLON": '":"', "COMMA": '","', "$END": _END}
_CHARACTER_HINTS = {
    "=": 'compare with "==" or "==="',
    "&": 'write "and" as "&&"',
    "|": 'write "or" as "||"',
    "{": "expressions do not nest: write {{ a }}{{ b }}, not {{ {{ a }} }}",
    "}": "expressions do not nest: write {{ a }}{{ b }}, not {{ {{ a }} }}",
}

_ESCAPE = re.compile(r"\\(?:u\{([0-9A-Fa-f]{1,6})\}|u([0-9A-Fa-f]{4})|x([0-9A-Fa-f]{2})|(.))", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


@functools.cache
def _lark() -> Lark:
    return Lark.open("grammar.lark", rel_to=__file__, parser="lalr", propagate_positions=True)


@functools.lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse_expression(expression: str) -> Expression:
    """Parse an expression (the text between braces) into its syntax tree.

    The result is cached on the exact text, so the same text returns the same object.

    Raises:
        ExpressionSyntaxError: the text does not parse, or a call has the wrong number of arguments.
        UnknownFunctionError: the text calls a function the language does not have.
    """
    tree = _parse_tree(expression)
    try:
        return _Builder(expression).build(tree)
    except RecursionError as error:
        raise ExpressionSyntaxError(
            f"syntax error in {_quoted(expression)}: the expression is nested too deeply",
            expression=expression,
            position=0,
        ) from error
    except ExpressionError as error:
        error.expression = expression
        raise


def _parse_tree(expression: str) -> Tree:
    if not expression.strip():
        raise ExpressionSyntaxError(
            "empty expression: write a value or a path between the braces, such as trigger.body.id",
            expression=expression,
            position=0,
            expected=[_VALUE],
            found=_END,
        )
    try:
        return _lark().parse(expression)
    except UnexpectedToken as error:
        raise _unexpected_token_error(expression, error) from error
    except UnexpectedCharacters as error:
        raise _unexpected_character_error(expression, error) from error


def _unexpected_token_error(expression: str, error: UnexpectedToken) -> ExpressionSyntaxError:
    token = error.token
    at_end = token.type == "$END"
    # Lark gives the end marker the position of the last token, so the text length is used instead.
    position = len(expression) if at_end else token.start_pos
    expected = _expected_phrases(error.interactive_parser.accepts())
    before = _text_before(expression, position)

    if at_end:
        found = _END
        problem = f"the expression ends {before}"
    else:
        found = f'"{token.value}"'
        problem = f"unexpected {found} {before}"
    message = f"syntax error in {_quoted(expression)}: {problem}; expected {' or '.join(expected)}"
    return ExpressionSyntaxError(
        message, expression=expression, position=position, expected=expected, found=found
    )


def _unexpected_character_error(expression: str, error: UnexpectedCharacters) -> ExpressionSyntaxError:
    position = error.pos_in_stream
    character = expression[position]
    if character in "'\"":
        message = (
            f"syntax error in {_quoted(expression)}: the text starting at character {position + 1} "
            f"has no closing {character}"
        )
        return ExpressionSyntaxError(
            message, expression=expression, position=position, expected=[character], found=_END
        )

    expected = _expected_phrases(error.allowed)
    hint = _CHARACTER_HINTS.get(character)
    message = (
        f'syntax error in {_quoted(expression)}: unexpected character "{character}" '
        f"{_text_before(expression, position)}; " + (hint if hint else f"expected {' or '.join(expected)}")
    )
    return ExpressionSyntaxError(
        message, expression=expression, position=position, expected=expected, found=f'"{character}"'
    )


def _expected_phrases(terminals: set[str]) -> list[str]:
    """Name what the parser accepts in words: a value, a key name, an operator, a bracket."""
    phrases = []
    takes_value = "NUMBER" in terminals or "STRING" in terminals
    if takes_value:
        phrases.append(_VALUE)
    elif "NAME" in terminals:
        phrases.append("a key name")

    # After a value, "-" is subtraction; where a value is expected, it is a sign.
    ignored = _VALUE_TERMINALS | _CLOSING_TERMINALS.keys() | ({"MINUS"} if takes_value else set())
    if terminals - ignored:
        phrases.append("an operator")
    phrases.extend(phrase for name, phrase in _CLOSING_TERMINALS.items() if name in terminals)
    return phrases


def _text_before(expression: str, position: int) -> str:
    before = expression[:position].strip()
    return f"after {_quoted(before)}" if before else "at the start"


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


class _Builder:
    """Turns Lark's tree of one expression into syntax_tree nodes; one method per grammar alias."""

    def __init__(self, source: str) -> None:
        self.source = source

    def build(self, tree: Tree) -> Expression:
        return getattr(self, f"_build_{tree.data}")(tree)

    def _text(self, item: Tree | Token) -> str:
        if isinstance(item, Token):
            return self.source[item.start_pos : item.end_pos]
        return self.source[item.meta.start_pos : item.meta.end_pos]

    def _build_name(self, tree: Tree) -> Path:
        name = str(tree.children[0])
        if name == "nodes":
            kind = ROOT_NODES
        elif name in RESERVED_ROOTS:
            kind = ROOT_RESERVED
        else:
            kind = ROOT_NAME
        return Path(kind=kind, name=name, base=None, segments=(), text=name, root_text=name)

    def _build_member(self, tree: Tree) -> Path:
        base_tree, member = tree.children
        key = str(member.children[0])
        return self._extend(tree, base_tree, Segment(key=key, key_node=None, text=f".{key}"))

    def _build_index(self, tree: Tree) -> Path:
        base_tree, key_tree = tree.children
        key_node = self.build(key_tree)
        text = f"[{self._text(key_tree).strip()}]"
        if (
            isinstance(key_node, Literal)
            and isinstance(key_node.value, str | int)
            and not isinstance(key_node.value, bool)
        ):
            segment = Segment(key=key_node.value, key_node=None, text=text)
        else:
            segment = Segment(key=None, key_node=key_node, text=text)
        return self._extend(tree, base_tree, segment)

    def _extend(self, tree: Tree, base_tree: Tree, segment: Segment) -> Path:
        base = self.build(base_tree)
        text = self._text(tree)
        if isinstance(base, Path):
            return replace(base, segments=(*base.segments, segment), text=text)
        return Path(
            kind=ROOT_EXPRESSION,
            name=None,
            base=base,
            segments=(segment,),
            text=text,
            root_text=self._text(base_tree),
        )

    def _build_call(self, tree: Tree) -> Call:
        name_token, arguments_tree = tree.children
        name = str(name_token)
        function = FUNCTIONS.get(name)
        if function is None:
            raise _unknown_function_error(self.source, name, name_token.start_pos)

        arguments = tuple(self.build(child) for child in arguments_tree.children) if arguments_tree else ()
        text = self._text(tree)
        if not function.required <= len(arguments) <= len(function.parameters):
            count = f"{len(arguments)} argument{'' if len(arguments) == 1 else 's'}"
            raise ExpressionSyntaxError(
                f"{text}: {name} takes {function.arity_text()}, as in {function.signature}, but got {count}",
                expression=self.source,
                position=name_token.start_pos,
                expected=[function.signature],
                found=count,
            )
        return Call(name=name, function=function.implementation, arguments=arguments, text=text)

    def _build_method_call(self, tree: Tree) -> Expression:
        base_tree, member, arguments_tree = tree.children
        name = str(member.children[0])
        written = self._text(tree)
        argument_texts = [self._text(child) for child in arguments_tree.children] if arguments_tree else []

        if name in FUNCTIONS:
            advice = f"write {name}({', '.join([self._text(base_tree), *argument_texts])})"
        else:
            advice = f"call one of the functions by name: {', '.join(sorted(FUNCTIONS))}"
        raise ExpressionSyntaxError(
            f"syntax error in {_quoted(self.source)}: method calls such as {written} are not supported; {advice}",
            expression=self.source,
            position=member.children[0].start_pos,
            expected=["a function called by name"],
            found=written,
        )

    def _build_string(self, tree: Tree) -> Literal:
        return Literal(_unescape(str(tree.children[0])))

    def _build_number(self, tree: Tree) -> Literal:
        token = tree.children[0]
        text = str(token)
        value = normalize_number(int(text) if text.isdigit() else float(text))
        if value in (float("inf"), float("-inf")):
            raise ExpressionSyntaxError(
                f"syntax error in {_quoted(self.source)}: the number {text} is too large",
                expression=self.source,
                position=token.start_pos,
                expected=["a number up to about 1.8e308"],
                found=text,
            )
        return Literal(value)

    def _build_true(self, tree: Tree) -> Literal:
        return Literal(True)

    def _build_false(self, tree: Tree) -> Literal:
        return Literal(False)

    def _build_null(self, tree: Tree) -> Literal:
        return Literal(None)

    def _build_group(self, tree: Tree) -> Expression:
        return self.build(tree.children[0])

    def _build_negate(self, tree: Tree) -> Expression:
        operand = self.build(tree.children[0])
        if (
            isinstance(operand, Literal)
            and isinstance(operand.value, int | float)
            and not isinstance(operand.value, bool)
        ):
            return Literal(normalize_number(-operand.value))
        return Negate(operand=operand, text=self._text(tree))

    def _build_logical_not(self, tree: Tree) -> Not:
        return Not(operand=_tested(self.build(tree.children[0])))

    def _build_add(self, tree: Tree) -> Add:
        left, right = tree.children
        return Add(left=self.build(left), right=self.build(right), text=self._text(tree))

    def _build_subtract(self, tree: Tree) -> Arithmetic:
        return self._arithmetic(tree, "-")

    def _build_multiply(self, tree: Tree) -> Arithmetic:
        return self._arithmetic(tree, "*")

    def _build_divide(self, tree: Tree) -> Arithmetic:
        return self._arithmetic(tree, "/")

    def _build_remainder(self, tree: Tree) -> Arithmetic:
        return self._arithmetic(tree, "%")

    def _arithmetic(self, tree: Tree, symbol: str) -> Arithmetic:
        left, right = tree.children
        return Arithmetic(
            symbol=symbol,
            left=self.build(left),
            right=self.build(right),
            text=self._text(tree),
            right_text=self._text(right),
        )

    def _build_equality(self, tree: Tree) -> Equality:
        left, operator_token, right = tree.children
        return Equality(
            negated=operator_token.startswith("!"), left=self.build(left), right=self.build(right)
        )

    def _build_relation(self, tree: Tree) -> Relation:
        left, operator_token, right = tree.children
        return Relation(
            symbol=str(operator_token), left=self.build(left), right=self.build(right), text=self._text(tree)
        )

    def _build_logical_and(self, tree: Tree) -> And:
        left, right = tree.children
        return And(left=_tested(self.build(left)), right=self.build(right))

    def _build_logical_or(self, tree: Tree) -> Or:
        left, right = tree.children
        return Or(left=_tested(self.build(left)), right=self.build(right))

    def _build_conditional(self, tree: Tree) -> Conditional:
        test, then, otherwise = tree.children
        return Conditional(
            test=_tested(self.build(test)), then=self.build(then), otherwise=self.build(otherwise)
        )


def _tested(node: Expression) -> Expression:
    """Mark the paths whose value is only tested for truthiness as lenient.

    In JavaScript `a.nick || a.name` reads a missing `nick` as undefined, so such a path yields
    null there instead of raising. The operands of a tested `&&`, `||` or `? :` are tested too.
    """
    if isinstance(node, Path):
        return replace(node, lenient=True)
    if isinstance(node, Or):
        return Or(left=_tested(node.left), right=_tested(node.right))
    if isinstance(node, And):
        return And(left=_tested(node.left), right=_tested(node.right))
    if isinstance(node, Conditional):
        return Conditional(test=node.test, then=_tested(node.then), otherwise=_tested(node.otherwise))
    return node


def _unknown_function_error(expression: str, name: str, position: int) -> UnknownFunctionError:
    known = sorted(FUNCTIONS)
    closest = closest_match(name, known)
    suggestion = f'; did you mean "{closest}"?' if closest else ""
    return UnknownFunctionError(
        f'unknown function "{name}" in {_quoted(expression)}; functions: {", ".join(known)}{suggestion}',
        expression=expression,
        name=name,
        known=known,
        closest=closest,
        position=position,
    )


def _unescape(token: str) -> str:
    """Read a quoted string literal with JavaScript's escapes (\\n, \\', \\u00e9, \\u{1F600}, \\x41)."""
    body = token[1:-1]
    if "\\" not in body:
        return body
    text = _ESCAPE.sub(_replace_escape, body)
    if any("\ud800" <= character <= "\udfff" for character in text):
        text = _join_surrogates(text)
    return text


def _replace_escape(match: re.Match[str]) -> str:
    braced, four_hex, two_hex, single = match.groups()
    if single is not None:
        # An unknown escape stands for the character itself, as in JavaScript ("\d" is "d").
        return _SIMPLE_ESCAPES.get(single, single)
    code_point = int(braced or four_hex or two_hex, 16)
    return chr(code_point) if code_point <= 0x10FFFF else match.group(0)


def _join_surrogates(text: str) -> str:
    # "\ud83d\ude00" is one character written as a UTF-16 pair, as JSON and JavaScript allow.
    try:
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        return text
