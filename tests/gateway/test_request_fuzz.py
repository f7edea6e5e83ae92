"""Any JSON a buyer sends is read or refused with a 4xx naming the problem, never a crash.

Hypothesis builds request bodies from the Chat Completions shape with every field free to
be any JSON value, and runs them through what the gateway does before a seller is called:
decode, check the fields, count the input with the reference tokenizer.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenpit.gateway.errors import GatewayError
from tokenpit.gateway.metering import Meter, MeteringError
from tokenpit.gateway.request import parse_body, read_request
from tokenpit.specs import default_spec

SPEC = default_spec()
METER = Meter(SPEC)

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
JSON: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=16,
)


def mostly(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Draw from `valid` nine times in ten, any JSON value otherwise: most bodies get far."""
    return st.integers(0, 9).flatmap(lambda draw: JSON if draw == 0 else valid)


CONTENT_PART = st.fixed_dictionaries(
    {"type": mostly(st.sampled_from(["text", "image_url", "input_audio"]))},
    optional={"text": mostly(st.text(max_size=40)), "image_url": JSON},
)
MESSAGE = st.fixed_dictionaries(
    {
        "role": mostly(st.sampled_from(["system", "developer", "user", "assistant", "tool"])),
        "content": mostly(st.text(max_size=80) | st.lists(CONTENT_PART, max_size=3)),
    },
    optional={"name": mostly(st.text(max_size=20)), "tool_calls": JSON, "tool_call_id": JSON},
)
TOOL = st.fixed_dictionaries(
    {"type": mostly(st.just("function")), "function": JSON},
)
BODY = st.fixed_dictionaries(
    {
        "model": mostly(st.sampled_from(["CHAT-A", "CHAT-B", "CHAT-C"])),
        "messages": mostly(st.lists(MESSAGE, min_size=1, max_size=3)),
    },
    optional={
        "stream": mostly(st.booleans()),
        "stream_options": mostly(st.fixed_dictionaries({"include_usage": st.booleans()})),
        "tools": mostly(st.lists(TOOL, max_size=2)),
        "tool_choice": JSON,
        "response_format": mostly(st.fixed_dictionaries({"type": st.just("json_object")})),
        "max_tokens": mostly(st.integers(-5, 10**7)),
        "max_completion_tokens": mostly(st.integers(1, 10**5)),
        "user": mostly(st.text(max_size=20)),
        "prompt_cache_key": mostly(st.text(max_size=20)),
        "n": JSON,
    },
)


def read_or_refuse(body: dict[str, Any]) -> tuple[int, str]:
    """Return (status, what) as the gateway would answer before calling a seller.

    200 with the input's token count when the request is read; otherwise the 4xx status
    and its message. A crash (any other exception) propagates and fails the test.
    """
    try:
        request = read_request(SPEC, parse_body(msgspec.json.encode(body)), 256)
        tokens = METER.prompt_tokens(request.body)
    except GatewayError as error:
        return error.status, str(error)
    except MeteringError as error:  # the gateway answers it 400, naming the field
        return 400, f"{error.field}: {error}"
    assert request.grade in SPEC.grade_names
    return 200, str(tokens)


@settings(max_examples=400, deadline=None)
@given(body=BODY)
def test_any_request_body_is_read_or_refused_with_a_4xx(body: dict[str, Any]) -> None:
    status, what = read_or_refuse(body)

    assert status == 200 or 400 <= status < 500
    assert what.strip()
    if status == 200:
        assert int(what) > 0


@pytest.mark.parametrize("data", [b"", b"[]", b"nul", b'{"model": "CHAT-B"', b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_refused_with_400(data: bytes) -> None:
    with pytest.raises(GatewayError) as refused:
        parse_body(data)
    assert refused.value.status == 400
