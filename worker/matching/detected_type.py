"""The `contentType` rule: does data *look like* the media type the rule names?"""

from __future__ import annotations

from pactpool_worker.pact.content_type import parse_content_type
from pactpool_worker.pact.magic import detect_content_type


def content_type_problem(data: bytes, expected: str) -> str | None:
    """None when the bytes are of the expected type; else the reference's message.

    Detection is by magic numbers, then text (JSON, XML, HTML, plain). An expected type of
    the same family counts (`application/hal+json` for JSON, `text/csv` for plain text).
    """
    detected = detect_content_type(data)
    want, got = parse_content_type(expected), parse_content_type(detected)
    if want is not None and got is not None:
        if want.equivalent(got):
            return None
        if got.base == "text/plain" and want.main == "text" and not want.is_xml() and \
                want.sub != "html":
            return None
    return (f"Expected binary contents to have content type '{expected}' but detected "
            f"contents was '{detected}'")
