"""pactpool.consumer.xml: the builder, its dict form, and what split_xml makes of it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from pactpool.consumer import match, xml
from pactpool.consumer._split import split_xml


def user() -> xml.XmlElement:
    return xml.element("user", xml.element("id", match.int(7)),
                       xml.element("name", "Ann & <Bob>"), attrs={"role": "admin", "v": 2})


def test_dict_form_matches_pact_python() -> None:
    built = xml.body(user())
    root = built["root"]
    assert root["name"] == "user"
    assert root["attributes"] == {"role": "admin", "v": 2}
    id_child = root["children"][0]["children"][0]
    assert id_child["content"] == 7
    assert isinstance(id_child["matcher"], match.AbstractMatcher)
    assert root["children"][1]["children"] == [{"content": "Ann & <Bob>"}]


def test_each_wraps_in_a_type_matcher() -> None:
    item = xml.element("item", "x").each(min=2, max=4, examples=3)
    assert item.to_serializable_dict() == {
        "pact:matcher:type": "type", "examples": 3, "min": 2, "max": 4,
        "value": {"name": "item", "children": [{"content": "x"}], "attributes": {}}}


def test_split_xml_example_and_paths() -> None:
    doc = xml.element("users", user().each(min=1, examples=2),
                      xml.element("count", match.int(2)))
    result = split_xml(xml.body(doc))
    parsed = ET.fromstring(result.example.split("?>", 1)[1])
    assert [u.find("id").text for u in parsed.findall("user")] == ["7", "7"]  # type: ignore[union-attr]
    assert parsed.find("user/name").text == "Ann & <Bob>"  # type: ignore[union-attr]
    assert parsed.find("user").attrib == {"role": "admin", "v": "2"}  # type: ignore[union-attr]
    assert result.rules == {
        "$.users.user": {"combine": "AND", "matchers": [{"match": "type", "min": 1}]},
        "$.users.user.id.#text": {"combine": "AND", "matchers": [{"match": "integer"}]},
        "$.users.count.#text": {"combine": "AND", "matchers": [{"match": "integer"}]},
    }
    assert split_xml(doc).rules == result.rules  # the element itself works too


def test_attribute_matchers_and_drawn_text() -> None:
    doc = xml.element("a", xml.element("b", match.int(min=1, max=1)),
                      attrs={"id": match.regex("x1", regex=r"x\d")})
    result = split_xml(doc)
    assert result.rules["$.a['@id']"]["matchers"] == [{"match": "regex", "regex": r"x\d"}]
    assert result.generators == {"$.a.b.#text": {"type": "RandomInt", "min": 1, "max": 1}}
    assert '<a id="x1"><b>1</b></a>' in result.example
    assert split_xml(xml.element("e")).example.endswith("<e/>")


def test_builder_refusals() -> None:
    with pytest.raises(TypeError):
        xml.element("")
    with pytest.raises(TypeError):
        xml.element("a", [1])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        xml.element("a", attrs=[("x", 1)])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="min"):
        xml.element("a").each(min=0)
    with pytest.raises(ValueError, match="max"):
        xml.element("a").each(min=3, max=2)
    with pytest.raises(ValueError, match="examples"):
        xml.element("a").each(min=2, examples=1)
    with pytest.raises(TypeError):
        xml.body("a")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        split_xml("<a/>")
