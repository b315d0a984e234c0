# The part of the regex module pactpool uses (its stubs live in a separate package).
from typing import Any

V0: int

class error(Exception): ...

class Pattern:
    pattern: str
    def fullmatch(self, string: str, *, timeout: float | None = None) -> Any: ...

def compile(pattern: str, flags: int = 0) -> Pattern: ...
