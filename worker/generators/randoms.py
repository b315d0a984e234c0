"""Random primitive values: decimals, hex digits, alphanumerics, UUIDs.

Every function takes the `random.Random` to draw from, so a seeded one makes them repeatable.
"""

from __future__ import annotations

import random
import string

ALPHANUMERIC = string.ascii_letters + string.digits
UUID_FORMATS = ("simple", "lower-case-hyphenated", "upper-case-hyphenated", "URN")


def random_decimal(rng: random.Random, digits: int) -> str:
    """`digits` digits with a decimal point inside, e.g. `4` -> `"12.07"`; no leading zeros.

    One digit has no room for a point, so it is a single digit (as in the reference).
    """
    if digits <= 1:
        return str(rng.randrange(10)) if digits else ""
    point = rng.randint(1, digits - 1)  # how many digits go before the point
    whole = rng.randrange(10) if point == 1 else rng.randrange(10 ** (point - 1), 10 ** point)
    places = digits - point
    return f"{whole}.{rng.randrange(10 ** places):0{places}d}"


def random_hexadecimal(rng: random.Random, digits: int) -> str:
    """Upper-case hex digits, as the reference draws them."""
    return f"{rng.getrandbits(4 * digits):0{digits}X}" if digits else ""


def random_string(rng: random.Random, size: int) -> str:
    return "".join(rng.choices(ALPHANUMERIC, k=size))


_VERSION_4 = ~(0xF000 << 64) & ~(0xC000 << 48) & (2**128 - 1)
_VERSION_4_BITS = (0x4000 << 64) | (0x8000 << 48)


def random_uuid(rng: random.Random, style: str) -> str:
    """A version 4 UUID drawn from `rng`, written in one of `UUID_FORMATS`."""
    text = f"{rng.getrandbits(128) & _VERSION_4 | _VERSION_4_BITS:032x}"
    if style == "simple":
        return text
    hyphenated = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    if style == "upper-case-hyphenated":
        return hyphenated.upper()
    if style == "URN":
        return "urn:uuid:" + hyphenated
    return hyphenated
