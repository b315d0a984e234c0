"""Bodies by content type: multipart, binary, XML, forms, detection by magic bytes, bad input."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from pactpool_worker.matching import match_request
from pactpool_worker.pact import load_request, request_from_http
from pactpool_worker.pact.magic import detect_content_type

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(40))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(30)
GIF = b"GIF89a" + bytes(20)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
ZIP = b"PK\x03\x04" + bytes(26)
GZIP = b"\x1f\x8b\x08\x00" + bytes(10)


@pytest.mark.parametrize(("data", "content_type"), [
    (PNG, "image/png"), (JPEG, "image/jpeg"), (GIF, "image/gif"), (PDF, "application/pdf"),
    (ZIP, "application/zip"), (GZIP, "application/gzip"), (b'{"a": [1]}', "application/json"),
    (b"  [1, 2]", "application/json"), (b'<?xml version="1.0"?><a/>', "application/xml"),
    (b"<a><b/></a>", "application/xml"), (b"<!DOCTYPE html><html></html>", "text/html"),
    (b"plain words", "text/plain"), (b"{not json", "text/plain"),
    (b"\x00\x01\x02\xfe", "application/octet-stream"),
])
def test_detect_content_type_by_magic_bytes(data: bytes, content_type: str) -> None:
    assert detect_content_type(data) == content_type


def _request(content_type: str, body: Any, rules: dict[str, Any] | None = None,
             spec: str = "4.0") -> Any:
    doc: dict[str, Any] = {"method": "POST", "path": "/up",
                           "headers": {"Content-Type": content_type}, "body": body}
    if rules:
        doc["matchingRules"] = {"body": rules}
    return load_request(doc, spec)


def _send(content_type: str | None, body: bytes) -> Any:
    headers = [("Content-Type", content_type)] if content_type else []
    return request_from_http("POST", "/up", "", headers, body)


def _messages(expected: Any, actual: Any) -> list[str]:
    return [m.to_json()["mismatch"] for m in match_request(expected, actual).mismatches]


def _typed(data: bytes, content_type: str) -> dict[str, Any]:
    return {"contentType": content_type, "encoded": "base64",
            "content": base64.b64encode(data).decode()}


# ---------------------------------------------------------------------------------------------
# Binary


def test_binary_bodies_compare_bytes() -> None:
    binary = "application/octet-stream"
    expected = _request(binary, _typed(b"\x00\x01\x02", binary))
    assert _messages(expected, _send("application/octet-stream", b"\x00\x01\x02")) == []
    assert _messages(expected, _send("application/octet-stream", b"\x00\x01\x03")) == [
        "Actual body [application/octet-stream, 3 bytes, starting with 000103] is not equal to "
        "the expected body [application/octet-stream, 3 bytes, starting with 000102]"]


def test_binary_body_with_a_content_type_rule_checks_what_the_bytes_are() -> None:
    rules = {"$": {"matchers": [{"match": "contentType", "value": "image/png"}]}}
    expected = _request("image/png", _typed(PNG, "image/png"), rules)
    assert _messages(expected, _send("image/png", PNG[:12] + b"other pixels")) == []
    assert _messages(expected, _send("image/png", GIF)) == [
        "Expected binary contents to have content type 'image/png' but detected contents was "
        "'image/gif'"]


def test_wrong_content_type_is_a_body_type_mismatch() -> None:
    expected = _request("image/png", _typed(PNG, "image/png"))
    found = match_request(expected, _send("application/pdf", PDF))
    assert found.body_type_mismatch is not None
    assert found.body_type_mismatch.mismatch == (
        "Expected a body of 'image/png' but the actual content type was 'application/pdf'")


def test_sniffed_content_type_when_the_header_is_missing() -> None:
    expected = _request("image/jpeg", _typed(JPEG, "image/jpeg"))
    result = match_request(expected, _send(None, PNG))
    assert result.body_type_mismatch is not None
    assert result.body_type_mismatch.actual == "image/png"


# ---------------------------------------------------------------------------------------------
# JSON that is not JSON, XML


def test_invalid_json_request_body_is_a_body_mismatch_not_an_exception() -> None:
    expected = _request("application/json", {"a": 1})
    found = match_request(expected, _send("application/json", b'{"a": 1,'))
    assert [m.path for m in found.body] == ["$"]
    assert found.body[0].mismatch.startswith("Failed to parse the actual body: '")
    assert not found.all_matched


def test_json_family_types_are_equivalent_bodies() -> None:
    expected = load_request({"method": "POST", "path": "/up", "body": {"a": 1}}, "3.0.0")
    assert match_request(expected, _send("application/hal+json", b'{"a":1}')).all_matched


XML_EXPECTED = ('<?xml version="1.0"?><ns:order xmlns:ns="urn:shop" id="7">'
                "<ns:item sku=\"A1\">apple</ns:item><ns:item sku=\"B2\">pear</ns:item></ns:order>")


def test_xml_attributes_text_and_namespaces() -> None:
    rules = {"$['urn:shop:order']['@id']": {"matchers": [{"match": "integer"}]},
             "$['urn:shop:order']": {"matchers": [{"match": "type", "min": 1}]},
             "$['urn:shop:order']['urn:shop:item']['@sku']": {"matchers": [
                 {"match": "regex", "regex": "[A-Z]\\d"}]},
             "$['urn:shop:order']['urn:shop:item']['#text']": {"matchers": [{"match": "type"}]}}
    expected = _request("application/xml", XML_EXPECTED, rules)
    ok = ('<o:order xmlns:o="urn:shop" id="9"><o:item sku="C3">fig</o:item>'
          '<o:item sku="D4">kiwi</o:item><o:item sku="E5">plum</o:item></o:order>')
    assert _messages(expected, _send("application/xml", ok.encode())) == []
    bad = '<o:order xmlns:o="urn:shop" id="x"><o:item sku="c3">fig</o:item></o:order>'
    assert _messages(expected, _send("application/xml", bad.encode())) == [
        "Expected 'x' to match an integer number", "Expected 'c3' to match '[A-Z]\\d'"]


def test_xml_with_an_entity_declaration_is_refused() -> None:
    expected = _request("application/xml", "<a>x</a>")
    evil = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>'
    found = _messages(expected, _send("application/xml", evil))
    assert found == ["Failed to parse the actual body: 'entity declarations (<!ENTITY ...>) are "
                     "not allowed in XML bodies'"]


# ---------------------------------------------------------------------------------------------
# Multipart


def _form_data(boundary: str, *parts: tuple[str, str | None, str | None, bytes]) -> bytes:
    out = b""
    for name, filename, content_type, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if content_type:
            out += f"Content-Type: {content_type}\r\n".encode()
        out += b"\r\n" + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def _multipart_request(body: bytes, rules: dict[str, Any] | None = None) -> Any:
    return _request("multipart/form-data; boundary=XyZ",
                    {"contentType": "multipart/form-data; boundary=XyZ", "encoded": "base64",
                     "content": base64.b64encode(body).decode()}, rules)


EXPECTED_FORM = _form_data("XyZ", ("title", None, None, b"holiday"),
                           ("photo", "a.png", "image/png", PNG),
                           ("meta", "m.json", "application/json", b'{"w": 10, "h": 20}'))


def test_multipart_form_data_matches_part_by_part() -> None:
    rules = {"$.title": {"matchers": [{"match": "regex", "regex": "[a-z ]+"}]},
             "$.photo": {"matchers": [{"match": "contentType", "value": "image/png"}]},
             "$.meta.w": {"matchers": [{"match": "integer"}]},
             "$.meta.h": {"matchers": [{"match": "integer"}]}}
    expected = _multipart_request(EXPECTED_FORM, rules)
    actual = _form_data("other-boundary", ("meta", "x.json", "application/json", b'{"w":1,"h":2}'),
                        ("photo", "b.png", "image/png", PNG[:16] + b"different"),
                        ("title", None, None, b"summer trip"), ("extra", None, None, b"ok"))
    assert _messages(expected, _send("multipart/form-data; boundary=other-boundary",
                                     actual)) == []


def test_multipart_mismatches_name_the_part() -> None:
    rules = {"$.photo": {"matchers": [{"match": "contentType", "value": "image/png"}]}}
    expected = _multipart_request(EXPECTED_FORM, rules)
    actual = _form_data("b", ("title", None, None, b"work"),
                        ("photo", "b.png", "image/png", GIF),
                        ("meta", "x.json", "application/json", b'{"w": 10, "h": "20"}'))
    found = match_request(expected, _send("multipart/form-data; boundary=b", actual)).body
    assert [(m.path, m.mismatch) for m in found] == [
        ("$.title", "MIME part 'title': Expected 'work' to be equal to 'holiday'"),
        ("$.photo", "MIME part 'photo': Expected binary contents to have content type "
                    "'image/png' but detected contents was 'image/gif'"),
        ("$.meta.h", "MIME part 'meta': Expected '20' (String) to be equal to 20 (Integer)"),
    ]


def test_multipart_missing_part_and_wrong_part_type() -> None:
    expected = _multipart_request(EXPECTED_FORM)
    actual = _form_data("b", ("title", None, None, b"holiday"),
                        ("photo", "a.png", "application/pdf", PDF))
    found = [m.mismatch for m in
             match_request(expected, _send("multipart/form-data; boundary=b", actual)).body]
    assert "Expected a MIME part 'meta' but was missing" in found
    assert "MIME part 'photo': Expected a body of 'image/png' but the actual content type was " \
           "'application/pdf'" in found


def test_multipart_without_boundary_is_a_parse_mismatch() -> None:
    expected = _multipart_request(EXPECTED_FORM)
    found = match_request(expected, _send("multipart/form-data", b"garbage")).body
    assert [m.mismatch for m in found] == [
        "Failed to parse the actual body as a MIME multipart body: 'no boundary in "
        "content-type'"]


def test_multipart_mixed_parts_match_by_position() -> None:
    def mixed(boundary: str, *parts: tuple[str, bytes]) -> bytes:
        body = b"".join(f"--{boundary}\r\nContent-Type: {ct}\r\n\r\n".encode() + data + b"\r\n"
                        for ct, data in parts)
        return body + f"--{boundary}--\r\n".encode()

    expected = load_request({"method": "POST", "path": "/up",
                             "headers": {"Content-Type": "multipart/mixed; boundary=m"},
                             "body": mixed("m", ("text/plain", b"hello"),
                                           ("application/json", b'{"a":1}')).decode()}, "3.0.0")
    same = mixed("n", ("text/plain", b"hello"), ("application/json", b'{"a": 1}'))
    assert match_request(expected, _send("multipart/mixed; boundary=n", same)).all_matched
    other = mixed("n", ("text/plain", b"bye"), ("application/json", b'{"a": 1}'))
    found = [m.mismatch for m in
             match_request(expected, _send("multipart/mixed; boundary=n", other)).body]
    assert found == ["MIME part '0': Expected body 'hello' to match 'bye' using equality but "
                     "did not match"]


def test_multipart_base64_transfer_encoding_is_decoded() -> None:
    encoded = (b"--q\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.png\"\r\n"
               b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
               + base64.b64encode(PNG) + b"\r\n--q--\r\n")
    plain = _form_data("z", ("f", "a.png", "image/png", PNG))
    expected = _request("multipart/form-data; boundary=z", plain.decode("latin-1"), spec="3.0.0")
    expected.body.content = plain
    assert match_request(expected, _send("multipart/form-data; boundary=q", encoded)).all_matched


# ---------------------------------------------------------------------------------------------
# Forms and text


def test_form_urlencoded_with_rules() -> None:
    rules = {"$.age": {"matchers": [{"match": "integer"}]}}
    expected = _request("application/x-www-form-urlencoded", "name=ann&age=30", rules)
    ok = _send("application/x-www-form-urlencoded", b"age=41&name=ann")
    assert _messages(expected, ok) == []
    bad = _send("application/x-www-form-urlencoded", b"age=old&name=bo&x=1")
    assert _messages(expected, bad) == [
        "Expected form post parameter 'name' with value 'ann' but was 'bo'",
        "Expected 'old' to match an integer number",
        "Unexpected form post parameter 'x' received"]


def test_text_body_with_a_rule_at_the_root() -> None:
    rules = {"$": {"matchers": [{"match": "regex", "regex": "order \\d+ shipped"}]}}
    expected = _request("text/plain", "order 1 shipped", rules)
    assert _messages(expected, _send("text/plain", b"order 77 shipped")) == []
    assert _messages(expected, _send("text/plain", b"order 77 lost")) == [
        "Expected 'order 77 lost' to match 'order \\d+ shipped'"]


@pytest.mark.parametrize(("expected", "actual", "matches"), [
    ("multipart/form-data; boundary=abc", "multipart/form-data; boundary=xyz", True),
    ("multipart/form-data; boundary=abc; charset=utf-8",
     "multipart/form-data; boundary=xyz; charset=latin1", False),
    ("multipart/form-data", "multipart/mixed; boundary=xyz", False),
    ("text/plain; boundary=abc", "text/plain; boundary=xyz", False),
])
def test_multipart_boundary_is_not_compared(expected: str, actual: str, matches: bool) -> None:
    request = load_request({"method": "POST", "path": "/up",
                            "headers": {"Content-Type": expected}}, "3.0.0")
    assert match_request(request, _send(actual, b"")).all_matched is matches


def test_a_pact_body_without_its_boundary_takes_it_from_the_body() -> None:
    expected = _request("multipart/form-data",
                        {"contentType": "multipart/form-data", "encoded": "base64",
                         "content": base64.b64encode(EXPECTED_FORM).decode()})
    assert _messages(expected, _send("multipart/form-data; boundary=XyZ", EXPECTED_FORM)) == []
