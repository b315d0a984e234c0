"""Python `strftime` formats turned into the Java date patterns that pacts carry.

Consumer tests think in `%Y-%m-%d`; pact files (and every verifier) read `yyyy-MM-dd`, so
the date, time and datetime matchers and generators convert once, at the call.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

from pactpool.errors import PactDefinitionError

# Each strftime code and the Java (DateTimeFormatter) letters that read and write the same text.
_CODES: dict[str, str] = {
    "a": "EEE", "A": "EEEE", "b": "MMM", "h": "MMM", "B": "MMMM",
    "d": "dd", "f": "SSSSSS", "G": "YYYY", "H": "HH", "I": "hh", "j": "DDD",
    "m": "MM", "M": "mm", "p": "a", "S": "ss", "u": "e", "U": "ww", "V": "ww", "W": "ww",
    "y": "yy", "Y": "yyyy", "z": "Z", ":z": "XXX", "Z": "z",
}
# Codes whose meaning depends on the locale or the week rules, so no pattern says the same.
_NO_EQUIVALENT = {
    "c": "it is the locale's date and time", "x": "it is the locale's date",
    "X": "it is the locale's time", "w": "Java has no 0-based (Sunday = 0) weekday number",
}
_APPROXIMATE = frozenset("UW")  # week numbers: Java counts weeks by the locale's rules
# Outside quotes, Java reserves letters and these characters for itself.
_RESERVED = frozenset("[]{}#'")


@lru_cache(maxsize=256)
def strftime_to_java(python_format: str) -> str:
    """The Java pattern equivalent to `python_format` (`%Y-%m-%dT%H:%M` -> `yyyy-MM-dd'T'HH:mm`).

    Literal letters are quoted as Java requires; a code with no equivalent raises
    `PactDefinitionError` naming it.
    """
    if not isinstance(python_format, str):
        raise TypeError(f"format must be str, not {type(python_format).__name__}")
    out: list[str] = []
    literal: list[str] = []  # pending literal text that needs quoting

    def flush() -> None:
        if literal:
            out.append("'" + "".join(literal) + "'")
            literal.clear()

    i, n = 0, len(python_format)
    while i < n:
        ch = python_format[i]
        if ch != "%":
            if ch == "'":
                literal.append("''")  # a quote inside quoted text is written twice
            elif ch.isalpha() or ch in _RESERVED:
                literal.append(ch)
            else:
                flush()
                out.append(ch)
            i += 1
            continue
        code = python_format[i + 1:i + 3] if python_format[i + 1:i + 2] == ":" else \
            python_format[i + 1:i + 2]
        i += 1 + len(code)
        if code == "%":
            flush()
            out.append("%")
            continue
        flush()
        out.append(_java_for(code, python_format))
    flush()
    return "".join(out)


def _java_for(code: str, python_format: str) -> str:
    if code in ("", ":"):
        raise PactDefinitionError(f"date format {python_format!r} ends inside a '%' code")
    if code in _NO_EQUIVALENT:
        raise PactDefinitionError(f"date format {python_format!r}: %{code} has no Java pattern "
                                  f"equivalent ({_NO_EQUIVALENT[code]}); spell the parts out")
    java = _CODES.get(code)
    if java is None:
        raise PactDefinitionError(f"date format {python_format!r}: %{code} is not a strftime "
                                  "code pactpool can convert")
    if code in _APPROXIMATE:
        warnings.warn(f"%{code} becomes Java 'ww', whose week numbering follows the locale",
                      stacklevel=4)
    return java
