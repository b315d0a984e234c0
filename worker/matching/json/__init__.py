"""JSON bodies: the match plan (`plan`), each node's quick yes (`quick_yes`), and the whole
plan's quick yes as one generated function (`codegen`)."""

from pactpool_worker.matching.json.plan import Node, compare_json, json_plan, match_json

__all__ = ["Node", "compare_json", "json_plan", "match_json"]
