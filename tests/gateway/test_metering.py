"""The reference count of a request and its reply, and the units they make."""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Sequence

import pytest
import tiktoken
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.gateway.metering import (
    INLINE_COUNT_CHARS_MAX,
    OFFLINE_ENCODING,
    Meter,
    MeteringError,
)
from tokenpit.specs import default_spec

ENCODING = tiktoken.get_encoding(OFFLINE_ENCODING)


def tokens(text: str) -> int:
    return len(ENCODING.encode_ordinary(text))


class ThreadRecordingMeter(Meter):
    """Remember the thread each count ran on."""

    def __init__(self) -> None:
        super().__init__(default_spec())
        self.count_threads: list[int] = []

    def count_texts(self, texts: Sequence[str]) -> int:
        self.count_threads.append(threading.get_ident())
        return super().count_texts(texts)


@pytest.fixture(scope="module")
def meter() -> Meter:
    return Meter(default_spec())


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def user(content: object) -> dict[str, object]:
    return {"role": "user", "content": content}


def test_a_prompt_counts_framing_role_content_and_the_reply_primer(meter: Meter) -> None:
    body = {"model": "CHAT-B", "messages": [user("Hello world")]}

    # 3 framing + "user" 1 + "Hello world" 2 + 3 primer: the published rule, pinned.
    assert meter.prompt_tokens(body) == 9


def test_each_message_adds_its_framing(meter: Meter) -> None:
    body = {"messages": [{"role": "system", "content": "You are terse."}, user("Hello world")]}

    assert meter.prompt_tokens(body) == (3 + 1 + 4) + (3 + 1 + 2) + 3


def test_text_parts_count_like_the_strings_they_hold(meter: Meter) -> None:
    parts = [{"type": "text", "text": "Hello"}, {"type": "text", "text": " world, again"}]

    counted = meter.prompt_tokens({"messages": [user(parts)]})

    assert counted == 3 + 1 + tokens("Hello") + tokens(" world, again") + 3


def test_names_tool_calls_and_tool_results_count(meter: Meter) -> None:
    arguments = '{"city":"Paris"}'
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": arguments},
    }
    messages = [
        {"role": "user", "content": "Weather?", "name": "ann"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
    ]

    counted = meter.prompt_tokens({"messages": messages})

    expected = (
        (3 + 1 + tokens("Weather?") + tokens("ann"))
        + (3 + 1 + tokens("get_weather") + tokens(arguments))
        + (3 + 1 + tokens("call_1") + tokens("sunny"))
        + 3
    )
    assert counted == expected


def test_tools_and_response_format_count_as_compact_sorted_json(meter: Meter) -> None:
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    response_format = {"type": "json_object"}
    plain = meter.prompt_tokens({"messages": [user("hi")]})

    counted = meter.prompt_tokens(
        {"messages": [user("hi")], "tools": tools, "response_format": response_format}
    )

    tools_json = '[{"function":{"name":"f","parameters":{"type":"object"}},"type":"function"}]'
    assert counted == plain + tokens(tools_json) + tokens('{"type":"json_object"}')


def test_key_order_in_tools_does_not_change_the_count(meter: Meter) -> None:
    one = {"type": "function", "function": {"name": "f", "description": "find a thing"}}
    other = {"function": {"description": "find a thing", "name": "f"}, "type": "function"}

    assert meter.prompt_tokens({"messages": [user("hi")], "tools": [one]}) == meter.prompt_tokens(
        {"messages": [user("hi")], "tools": [other]}
    )


def test_null_tools_and_response_format_count_nothing(meter: Meter) -> None:
    body = {"messages": [user("hi")], "tools": None, "response_format": None}

    assert meter.prompt_tokens(body) == meter.prompt_tokens({"messages": [user("hi")]})


def test_special_token_spellings_count_as_plain_text(meter: Meter) -> None:
    assert meter.prompt_tokens({"messages": [user("<|endoftext|>")]}) == 3 + 1 + 7 + 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], "body"),
        ({}, "messages"),
        ({"messages": "hi"}, "messages"),
        ({"messages": ["hi"]}, "messages[0]"),
        ({"messages": [{"content": "hi"}]}, "messages[0].role"),
        ({"messages": [{"role": 1, "content": "hi"}]}, "messages[0].role"),
        ({"messages": [user(7)]}, "messages[0].content"),
        (
            {"messages": [user([{"type": "image_url", "image_url": {}}])]},
            "messages[0].content[0].type",
        ),
        ({"messages": [user([{"type": "text"}])]}, "messages[0].content[0].text"),
        ({"messages": [user(["hi"])]}, "messages[0].content[0]"),
        ({"messages": [{"role": "user", "content": "", "name": 3}]}, "messages[0].name"),
        ({"messages": [{"role": "assistant", "tool_calls": {}}]}, "messages[0].tool_calls"),
        (
            {"messages": [{"role": "assistant", "tool_calls": [{}]}]},
            "messages[0].tool_calls[0].function",
        ),
        (
            {"messages": [{"role": "assistant", "tool_calls": [{"function": {"arguments": 1}}]}]},
            "messages[0].tool_calls[0].function.arguments",
        ),
        ({"messages": [], "tools": {"type": "function"}}, "tools"),
        ({"messages": [], "tools": [{"f": object()}]}, "tools"),
        ({"messages": [], "response_format": "json"}, "response_format"),
    ],
)
def test_a_wrong_shape_is_refused_naming_its_field(meter: Meter, body: object, field: str) -> None:
    with pytest.raises(MeteringError) as refused:
        meter.prompt_tokens(body)  # type: ignore[arg-type]

    assert refused.value.field == field
    assert str(refused.value).startswith(f"{field} = ")
    assert isinstance(refused.value, ValueError)


def test_a_refused_value_is_shown_cut_short(meter: Meter) -> None:
    with pytest.raises(MeteringError) as refused:
        meter.prompt_tokens({"messages": [user([{"type": "text", "text": ["x" * 100_000]}])]})

    assert len(str(refused.value)) < 200


def test_an_empty_conversation_costs_only_the_primer(meter: Meter) -> None:
    assert meter.prompt_tokens({"messages": []}) == 3


def test_a_reply_counts_content_and_tool_call_names_and_arguments(meter: Meter) -> None:
    calls = [
        {"id": "c", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
    ]

    counted = meter.completion_tokens("It is sunny.", calls)

    assert counted == tokens("It is sunny.") + tokens("get_weather") + tokens("{}")


def test_a_reply_with_a_wrong_tool_call_is_refused(meter: Meter) -> None:
    with pytest.raises(MeteringError, match=r"tool_calls\[0\]\.function = None"):
        meter.completion_tokens("", [{"id": "c"}])


def test_units_weigh_input_by_the_spec(meter: Meter) -> None:
    # input_weight 0.25: ceil(1001 × 0.25) = 251 input units, plus 10 output units.
    assert meter.units(1_001, 10) == 261


def test_a_spec_with_another_tokenizer_is_refused() -> None:
    spec = dataclasses.replace(default_spec(), unit_tokenizer="o200k_base")

    with pytest.raises(ValueError, match="'o200k_base' is not metered"):
        Meter(spec)


def pieces(text: str, cuts: list[int]) -> list[str]:
    bounds = sorted({0, len(text), *(cut % (len(text) + 1) for cut in cuts)})
    return [text[start:end] for start, end in itertools.pairwise(bounds)]


@given(
    content=st.text(),
    name=st.text(max_size=20),
    arguments=st.text(),
    cuts=st.lists(st.integers(min_value=0), max_size=12),
)
def test_a_stream_cut_anywhere_counts_like_the_whole_reply(
    meter: Meter, content: str, name: str, arguments: str, cuts: list[int]
) -> None:
    counter = meter.completion_counter()
    for piece in pieces(content, cuts):
        counter.add_content(piece)
    counter.add_tool_call_deltas([{"index": 0, "function": {"name": name}}])
    for piece in pieces(arguments, cuts):
        counter.add_tool_call_deltas([{"index": 0, "function": {"arguments": piece}}])

    call = {"function": {"name": name, "arguments": arguments}}
    assert counter.total() == meter.completion_tokens(content, [call])
    assert counter.content() == content


def test_a_counter_assembles_interleaved_tool_calls_by_index(meter: Meter) -> None:
    counter = meter.completion_counter()
    counter.add_tool_call_deltas(
        [
            {
                "index": 1,
                "id": "b",
                "type": "function",
                "function": {"name": "second", "arguments": ""},
            }
        ]
    )
    counter.add_tool_call_deltas([{"index": 0, "function": {"name": "first", "arguments": '{"a"'}}])
    counter.add_tool_call_deltas([{"index": 1, "function": {"arguments": "{}"}}])
    counter.add_tool_call_deltas([{"index": 0, "function": {"arguments": ":1}"}}])

    calls = counter.tool_calls()

    assert [call["function"] for call in calls] == [
        {"name": "first", "arguments": '{"a":1}'},
        {"name": "second", "arguments": "{}"},
    ]
    assert counter.total() == meter.completion_tokens("", calls)


@pytest.mark.parametrize(
    ("delta", "field"),
    [
        ("x", "delta.tool_calls[0]"),
        ({"index": -1}, "delta.tool_calls[0].index"),
        ({"index": True}, "delta.tool_calls[0].index"),
        ({"index": 0, "function": "f"}, "delta.tool_calls[0].function"),
        ({"index": 0, "function": {"name": 5}}, "delta.tool_calls[0].function.name"),
    ],
)
def test_a_counter_refuses_a_wrong_tool_call_delta(meter: Meter, delta: object, field: str) -> None:
    with pytest.raises(MeteringError) as refused:
        meter.completion_counter().add_tool_call_deltas([delta])  # type: ignore[list-item]

    assert refused.value.field == field


def test_a_counter_refuses_content_that_is_not_text(meter: Meter) -> None:
    with pytest.raises(MeteringError, match=r"delta\.content"):
        meter.completion_counter().add_content(None)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_a_small_prompt_is_counted_on_the_event_loop() -> None:
    meter = ThreadRecordingMeter()
    body = {"messages": [user("Hello world")]}

    assert await meter.prompt_tokens_async(body) == 9
    assert meter.count_threads == [threading.get_ident()]


@pytest.mark.anyio
async def test_a_large_prompt_is_counted_in_a_worker_thread() -> None:
    meter = ThreadRecordingMeter()
    text = "lorem ipsum dolor sit amet " * (INLINE_COUNT_CHARS_MAX // 10)
    body = {"messages": [user(text)]}

    counted = await meter.prompt_tokens_async(body)

    assert counted == 3 + 1 + tokens(text) + 3
    assert len(meter.count_threads) == 1
    assert meter.count_threads[0] != threading.get_ident()


@pytest.mark.anyio
async def test_a_long_reply_is_counted_in_a_worker_thread() -> None:
    meter = ThreadRecordingMeter()
    counter = meter.completion_counter()
    text = "a token or two " * INLINE_COUNT_CHARS_MAX

    counter.add_content(text)

    assert await counter.total_async() == tokens(text)
    assert meter.count_threads[0] != threading.get_ident()


@pytest.mark.anyio
async def test_a_long_reply_not_streamed_is_counted_in_a_worker_thread() -> None:
    meter = ThreadRecordingMeter()
    text = "a token or two " * INLINE_COUNT_CHARS_MAX
    calls = [{"function": {"name": "f", "arguments": "{}"}}]

    counted = await meter.completion_tokens_async(text, calls)

    assert counted == meter.completion_tokens(text, calls)
    assert meter.count_threads[0] != threading.get_ident()
