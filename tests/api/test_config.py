"""The API's settings refuse values that could not work."""

from __future__ import annotations

import pytest

from tokenpit.api import ApiConfig


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_body_bytes", 0), ("rate_limit_per_s", 0.0), ("stream_queue_max", -1)],
)
def test_bad_settings_are_refused_naming_the_field(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=f"ApiConfig.{field}"):
        ApiConfig(**{field: value})
