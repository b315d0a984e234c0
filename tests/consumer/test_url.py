"""pactpool.consumer.types.URL: one class for suites written against pact-python 4.0 and 4.2."""

from __future__ import annotations

import pytest

from pactpool.consumer.types import UNSET, URL, Unset


def test_is_a_str_with_parts() -> None:
    url = URL("http://127.0.0.1:8123")
    assert isinstance(url, str)
    assert url == "http://127.0.0.1:8123"
    assert (url.scheme, url.host, url.port, url.path) == ("http", "127.0.0.1", 8123, "/")
    assert URL("https://Example.COM/a").host == "example.com"
    assert URL("https://example.com/a").port == 443
    assert URL("http://[::1]:9/x").host == "::1"
    assert repr(url) == "URL('http://127.0.0.1:8123')"


def test_slash_appends_segments() -> None:
    url = URL("http://h:1")
    users = url / "users"
    assert users == "http://h:1/users"
    assert isinstance(users, URL)
    assert users / "1" / "orders" == "http://h:1/users/1/orders"
    assert URL("http://h:1/base/?q=1") / "x" == "http://h:1/base/x"
    assert url / "a b" == "http://h:1/a%20b"
    assert url / "a/b" == "http://h:1/a/b"
    with pytest.raises(ValueError, match="'/'"):
        _ = url / "/abs"
    with pytest.raises(TypeError):
        _ = url / 3  # type: ignore[operator]


def test_yarl_style_methods() -> None:
    url = URL("http://h:1/old?x=1")
    assert url.with_path("/users") == "http://h:1/users"
    assert url.with_path("users") == "http://h:1/users"
    assert url.with_query({"a": "1", "b": 2}) == "http://h:1/old?a=1&b=2"
    assert url.with_query(a="x y") == "http://h:1/old?a=x+y"
    assert url.with_query("z=9") == "http://h:1/old?z=9"
    assert url.with_query(None) == "http://h:1/old"
    assert url.joinpath("a", "b") == "http://h:1/old/a/b"
    assert url.query == {"x": "1"}
    assert url.query_string == "x=1"
    assert url.human_repr() == "http://h:1/old?x=1"
    assert isinstance(url.with_path("/p").with_query(q="1"), URL)


def test_yarl_style_refusals() -> None:
    url = URL("http://h:1")
    with pytest.raises(TypeError):
        url.with_query({"a": object()})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        url.with_query({"a": "1"}, b="2")
    with pytest.raises(TypeError):
        url.with_path(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        url.joinpath(5)  # type: ignore[arg-type]


def test_unset_is_one_falsy_marker() -> None:
    assert Unset() is UNSET
    assert not UNSET
    assert repr(UNSET) == "UNSET"
