# The part of google-re2 pactpool uses (the package ships no types).
from enum import IntEnum

from re2 import _re2 as _re2

class _Anchor(IntEnum):
    UNANCHORED = 0
    ANCHOR_START = 1
    ANCHOR_BOTH = 2

class Options:
    log_errors: bool
    never_capture: bool
    max_mem: int
    def __init__(self) -> None: ...

class error(Exception): ...
