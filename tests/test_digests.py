"""Every format's output on the bundled page is byte for byte what the recorded digests say
(tests/data/digests.json, made by ``python -m benchmarks.digests --record``). The 10^4-paper
page is checked with ``python -m benchmarks.digests --check --page generated`` or here with
ARROW2BIB_SLOW=1."""

from __future__ import annotations

import json
import os

import pytest

from benchmarks import digests


# the generated page only when asked (about a minute); CI checks it with the script instead
@pytest.mark.parametrize("which", ["bundled"] + (["generated"] if os.environ.get("ARROW2BIB_SLOW")
                                                 else []))
def test_digests_unchanged(which):
    recorded = json.loads(digests.DIGESTS.read_text())[which]
    found = digests.digests(which)
    assert {k: v for k, v in found.items()} == {k: recorded[k] for k in found}
