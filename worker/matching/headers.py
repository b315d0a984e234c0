"""Headers: only expected ones are checked; names case-insensitive; media types parameter-aware."""

from __future__ import annotations

from pactpool_worker.matching.mismatches import HeaderDiff, rust_debug
from pactpool_worker.matching.rule_context import Context
from pactpool_worker.matching.value_rules import combine, match_string

PARAMETERISED = frozenset({"accept", "content-type"})


def match_headers(expected: dict[str, list[str]] | None, actual: dict[str, list[str]] | None,
                  ctx: Context) -> dict[str, list[HeaderDiff]]:
    """Per expected header name: its mismatches (an empty list when it matched)."""
    result: dict[str, list[HeaderDiff]] = {}
    if not expected:
        return result
    lowered = {k.lower(): v for k, v in (actual or {}).items()}
    for key, values in expected.items():
        actual_values = lowered.get(key.lower())
        if actual_values is None:
            result[key] = [HeaderDiff(key, rust_debug(", ".join(values)), "",
                                          f"Expected a header '{key}' but was missing")]
        elif not values and actual_values:
            joined = ", ".join(actual_values)
            result[key] = [HeaderDiff(key, "", joined, f"Expected an empty header '{key}' but "
                                          f"actual value was '{joined}'")]
        else:
            result[key] = _values(key, values, actual_values, ctx)
    return result


def _values(key: str, expected: list[str], actual: list[str], ctx: Context) -> list[HeaderDiff]:
    if len(expected) == 1 and len(actual) == 1:
        return header_value_mismatches(key, 0, expected[0], actual[0], ctx, single=True)
    loc = ("$", key.lower())
    out: list[HeaderDiff] = []
    if ctx.defined(loc) and expected:
        # A rule on the header: every actual value against the first expected one.
        for index, value in enumerate(actual):
            e_value = expected[index] if index < len(expected) else expected[0]
            out.extend(header_value_mismatches(key, 0, e_value, value, ctx, single=False,
                                               shown_index=index))
        return out
    for index in range(max(len(expected), len(actual))):
        e_value = expected[index] if index < len(expected) else ""
        if index < len(actual):
            out.extend(header_value_mismatches(key, index, e_value, actual[index], ctx,
                                               single=False))
        else:
            out.append(HeaderDiff(key, e_value, "", f"Mismatch with header '{key}': Expected "
                                      f"value '{e_value}' at index {index} but was missing "
                                      f"(actual has {len(actual)} value(s))"))
    return out


def header_value_mismatches(key: str, index: int, expected: str, actual: str, ctx: Context, *,
                            single: bool, shown_index: int | None = None) -> list[HeaderDiff]:
    """One header value against its expected value (or the rule at `$.name` / `$.name[i]`)."""
    lkey = key.lower()
    expected, actual = expected.strip(), actual.strip()
    at = index if shown_index is None else shown_index
    suffix = "" if single else f" for value at index {at}"
    best = ctx.best(("$", lkey))
    if best is None:
        best = ctx.best(("$", lkey, str(index)))
    if best is not None:
        rule_list, cascaded = best
        messages = [m + suffix for m in combine(
            rule_list, lambda r: match_string(r, expected, actual, cascaded))]
    elif lkey in PARAMETERISED:
        messages = _parameterised(key, index, expected, actual, single)
    else:
        e_norm = ",".join(v.strip() for v in expected.split(","))
        a_norm = ",".join(v.strip() for v in actual.split(","))
        messages = [] if e_norm == a_norm else \
            [f"Expected '{a_norm}' to be equal to '{e_norm}'{suffix}"]
    return [HeaderDiff(key, expected, actual, f"Mismatch with header '{key}': {m}")
            for m in messages]


def _parameterised(key: str, index: int, expected: str, actual: str, single: bool) -> list[str]:
    """`content-type`/`accept`: equal base value, and each expected parameter present and equal
    (parameter values compared case-insensitively)."""
    if parameters_match(expected, actual):
        return []
    if single:
        return [f"Expected header '{key}' to have value '{expected}' but was '{actual}'"]
    return [f"Expected header '{key}' at index {index} to have value '{expected}' but was "
            f"'{actual}'"]


def parameters_match(expected: str, actual: str) -> bool:
    """A media-type value: same base value, and every expected parameter present and equal.

    A multipart `boundary` is left out: clients pick a new one per request, so comparing it
    could only ever fail (the reference compares it; pact writers then add a regex rule).
    """
    e_parts = [p.strip() for p in expected.split(";") if p.strip()]
    a_parts = [p.strip() for p in actual.split(";") if p.strip()]
    e_base = e_parts[0] if e_parts else ""
    a_base = a_parts[0] if a_parts else ""
    if e_base != a_base:
        return False
    a_params = _params(a_parts[1:])
    multipart = e_base.lower().startswith("multipart/")
    return all(k in a_params and a_params[k].lower() == v.lower()
               for k, v in _params(e_parts[1:]).items()
               if not (multipart and k.lower() == "boundary"))


def _params(parts: list[str]) -> dict[str, str]:
    out = {}
    for p in parts:
        if "=" in p:
            k, v = p.split("=", 1)
            out[k.strip()] = v.strip()
    return out
