"""The README's first example is a consumer test: it must run as written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readmes_consumer_test_passes_as_written(tmp_path: Path) -> None:
    code = re.search(r"```python\n(.*?)```", README.read_text(), re.S)
    assert code is not None and "from pactpool.consumer import" in code.group(1)
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), str(README), "exec"), namespace)
    namespace["test_get_user"](tmp_path)
    assert (tmp_path / "web-ui-user-service.json").is_file()
