"""The mismatch objects read from pactpool's mismatch JSON, and the errors' texts."""

from __future__ import annotations

import json

from pactpool.consumer.error import (
    BodyMismatch,
    BodyTypeMismatch,
    GenericMismatch,
    HeaderMismatch,
    InteractionVerificationError,
    MetadataMismatch,
    MethodMismatch,
    Mismatch,
    MismatchesError,
    MissingRequest,
    PactError,
    PactVerificationError,
    PathMismatch,
    QueryMismatch,
    RequestMismatch,
    RequestNotFound,
    StatusMismatch,
    parse_mismatches,
)
from pactpool.errors import PactPoolError

# The reference's own example (pact_ffi's tests), byte for byte.
REFERENCE = ('[{"method":"POST","mismatches":[{"actual":"\\"no-very-bar\\"","expected":'
             '"\\"bar\\"","mismatch":"Expected \'no-very-bar\' (String) to be equal to \'bar\' '
             '(String)","path":"$.foo","type":"BodyMismatch"}],"path":"/path",'
             '"type":"request-mismatch"}]')


def test_reference_json() -> None:
    (outer,) = parse_mismatches(REFERENCE)
    assert isinstance(outer, RequestMismatch) and outer.type == "RequestMismatch"
    assert (outer.method, outer.path) == ("POST", "/path")
    (body,) = outer.mismatches
    assert isinstance(body, BodyMismatch)
    assert (body.path, body.expected, body.actual) == ("$.foo", '"bar"', '"no-very-bar"')
    text = str(MismatchesError(outer))
    assert "POST /path" in text and "$.foo" in text and "no-very-bar" in text


def test_every_kind_from_dict() -> None:
    cases = {
        "missing-request": ({"method": "GET", "path": "/a", "request": {"method": "GET",
                                                                         "path": "/a"}},
                            MissingRequest),
        "request-not-found": ({"method": "GET", "path": "/b", "request": {}}, RequestNotFound),
        "MethodMismatch": ({"expected": "GET", "actual": "POST", "mismatch": ""},
                           MethodMismatch),
        "PathMismatch": ({"expected": "/a", "actual": "/b", "mismatch": "m"}, PathMismatch),
        "StatusMismatch": ({"expected": 200, "actual": 500, "mismatch": "m"}, StatusMismatch),
        "QueryMismatch": ({"parameter": "q", "expected": "a", "actual": "b", "mismatch": "m"},
                          QueryMismatch),
        "HeaderMismatch": ({"key": "X", "expected": "a", "actual": "b", "mismatch": "m"},
                           HeaderMismatch),
        "BodyTypeMismatch": ({"expected": "application/json", "actual": "text/plain",
                              "mismatch": "m", "expectedBody": "{}", "actualBody": "x"},
                             BodyTypeMismatch),
        "MetadataMismatch": ({"key": "k", "expected": "a", "actual": "b", "mismatch": "m"},
                             MetadataMismatch),
    }
    for kind, (fields, cls) in cases.items():
        data = {"type": kind, **fields}
        made = Mismatch.from_dict(data)
        assert type(made) is cls, kind
        assert data["type"] == kind  # the input is left alone
        assert str(made)
    body_type = Mismatch.from_dict({"type": "BodyTypeMismatch", **cases["BodyTypeMismatch"][0]})
    assert isinstance(body_type, BodyTypeMismatch)
    assert (body_type.expected_body, body_type.actual_body) == ("{}", "x")


def test_pactpool_kinds_become_generic() -> None:
    failed = Mismatch.from_dict({"type": "mock-server-failed", "error": "killed",
                                 "exitStatus": -9})
    assert isinstance(failed, GenericMismatch) and failed.type == "mock-server-failed"
    assert "killed" in str(failed) and "-9" in str(failed)
    bad = Mismatch.from_dict({"type": "request-error", "error": "bad header", "method": "GET",
                              "path": "/"})
    assert isinstance(bad, GenericMismatch) and "bad header" in str(bad)
    odd = Mismatch.from_dict({"type": "HeaderMismatch", "unexpected": 1})
    assert isinstance(odd, GenericMismatch)


def test_error_hierarchy_and_texts() -> None:
    for cls in (MismatchesError, PactVerificationError, InteractionVerificationError):
        assert issubclass(cls, PactError) and issubclass(cls, PactPoolError)
    error = MismatchesError(*json.loads(REFERENCE))
    assert len(error.mismatches) == 1 and "1 mismatch)" in str(error)
    inner = InteractionVerificationError("msg", ValueError("boom"))
    assert inner.description == "msg" and "boom" in str(inner)
    assert "boom" in str(PactVerificationError([inner]))


def test_repr_and_equality() -> None:
    a = Mismatch.from_dict({"type": "QueryMismatch", "parameter": "q", "expected": "1",
                            "actual": "2", "mismatch": "m"})
    b = Mismatch.from_dict({"type": "query-mismatch", "parameter": "q", "expected": "1",
                            "actual": "2", "mismatch": "m"})
    assert a == b
    assert repr(a).startswith("QueryMismatch(") and "parameter='q'" in repr(a)
