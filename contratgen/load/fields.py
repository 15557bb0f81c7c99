"""The field types every input record uses: text, money, percents, days, the frozen base."""
# Annotations are evaluated when the class is made (no `from __future__ import annotations`):
# pydantic would otherwise compile each of them from its text, for every model, in every process.

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from typing import get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, \
    model_validator

from .source import as_written_number, written_text

MAX_TEXT = 4000  # characters in one field; longer is surely a mistake
MAX_ITEMS = 1000

EVENTS = ("signature", "order", "partial_delivery", "final_delivery")
Event = Literal["signature", "order", "partial_delivery", "final_delivery"]

# Characters XML 1.0 cannot hold, and bidi controls that could hide text in a contract.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff"
                        "\u202a-\u202e\u2066-\u2069]")


def text_value(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected text, got a boolean")
    if isinstance(value, (int, Decimal)):
        # a number where text is meant (document number, SIREN, phone, postcode): the
        # characters written, never YAML 1.1's reading of them (0042 is not 34)
        value = written_text(value) or str(value)
    if not isinstance(value, str):
        return value  # let pydantic say what it is
    bad = FORBIDDEN.search(value)
    if bad:
        name = unicodedata.name(bad.group(), f"U+{ord(bad.group()):04X}")
        raise ValueError(f"contains a forbidden control character ({name}) at position "
                         f"{bad.start() + 1}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"is {len(value)} characters long, more than {MAX_TEXT}")
    return unicodedata.normalize("NFC", value)


def number_value(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, str):
        try:
            Decimal(value.strip())
            plain = value.strip().replace(".", "").replace("-", "").isdigit()
        except InvalidOperation:
            plain = False
        if plain:
            raise ValueError(f"remove the quotes around {value}: a number is written "
                             "without them")
        raise ValueError(f"write numbers plainly, like 1200.50, not as text ('{value}')")
    if isinstance(value, float):  # only when built from Python, never from our YAML
        return Decimal(repr(value))
    return as_written_number(value)


Text = Annotated[str, BeforeValidator(text_value)]
MAX_AMOUNT = Decimal("1e12")  # a thousand billion: beyond it is a typing mistake


def not_huge(value: Decimal) -> Decimal:
    if value > MAX_AMOUNT:
        raise ValueError(f"{value:f} is more than the limit of {MAX_AMOUNT:,f} "
                         "(a typing mistake?)")
    return value


Money = Annotated[Decimal, BeforeValidator(number_value), Field(ge=0, max_digits=15),
                  AfterValidator(not_huge)]
Percent = Annotated[Decimal, BeforeValidator(number_value), Field(ge=0, le=100)]
Quantity = Annotated[Decimal, BeforeValidator(number_value), Field(gt=0, max_digits=15),
                     AfterValidator(not_huge)]
Days = Annotated[int, BeforeValidator(number_value), Field(ge=0, le=3650)]


def _numeric(annotation: Any) -> bool:
    """Whether a field holds a number and never text (int, Decimal, Optional of them)."""
    kinds, todo = set(), [annotation]
    while todo:
        kind = todo.pop()
        if get_origin(kind) is None:
            kinds.add(kind)
        else:
            todo.extend(a for a in get_args(kind) if not isinstance(a, (str, int, float)))
    return bool(kinds & {int, Decimal}) and str not in kinds


class Model(BaseModel):
    # defer_build: a model's validator is built when it first validates, not when its
    # module is imported; a build never validates most of the ~40 (the ledger's, the
    # rates file's, a cached library's clause specs), and a parent builds its children's
    # schemas once, inside its own.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False,
                              arbitrary_types_allowed=False, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _numbers_as_written(cls, data: Any) -> Any:
        """``copies: 010`` is ten, never YAML 1.1's octal eight (a text field keeps the
        characters written; see :func:`text_value`).

        One validator for the model's mapping rather than one wrapped around each of its
        fields: a model's schema is built with every process's first validation, and the
        wrapper around every field was a sixth of that."""
        if not isinstance(data, dict):
            return data
        changed = None
        for name, value in data.items():
            if isinstance(value, int) and written_text(value) is not None \
                    and _is_numeric(cls, name):
                if changed is None:
                    changed = dict(data)
                changed[name] = as_written_number(value)
        return data if changed is None else changed


def _is_numeric(model: type, name: str) -> bool:
    key = (model, name)
    numeric = _NUMERIC_FIELDS.get(key)
    if numeric is None:   # a field's annotation does not change: asked once
        field = model.model_fields.get(name) if isinstance(name, str) else None
        numeric = _NUMERIC_FIELDS[key] = field is not None and _numeric(field.annotation)
    return numeric


_NUMERIC_FIELDS: dict[tuple[type, str], bool] = {}   # (model, field) → _numeric(annotation)
