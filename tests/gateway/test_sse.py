"""Parsing a seller's event stream, and reading the chunks it carries."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.gateway.metering import Meter
from tokenpit.gateway.sse import (
    ChunkReading,
    ChunkUsage,
    EventTooLargeError,
    MalformedChunkError,
    SellerErrorChunkError,
    SseEvent,
    SseParser,
    TruncatedStreamError,
    decode_chunk,
    read_chunk,
)
from tokenpit.specs import default_spec


def parse(*chunks: bytes, event_bytes_max: int = 1 << 20) -> list[SseEvent]:
    parser = SseParser(event_bytes_max)
    events = [event for chunk in chunks for event in parser.feed(chunk)]
    parser.close()
    return events


def datas(events: list[SseEvent]) -> list[bytes]:
    return [event.data for event in events]


def test_a_data_line_and_a_blank_line_make_an_event() -> None:
    assert parse(b'data: {"a":1}\n\n') == [SseEvent(b'{"a":1}')]


def test_every_kind_of_line_end_ends_a_line() -> None:
    stream = b"data: lf\n\ndata: crlf\r\n\r\ndata: cr\r\rdata: mixed\r\n\n"

    assert datas(parse(stream)) == [b"lf", b"crlf", b"cr", b"mixed"]


def test_a_crlf_cut_between_its_two_bytes_is_one_line_end() -> None:
    # Read as two line ends, the LF would end the event after "a" alone.
    assert datas(parse(b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n")) == [b"a\nb"]


def test_data_lines_of_one_event_join_with_line_feeds() -> None:
    assert datas(parse(b"data: one\ndata: two\ndata:three\n\n")) == [b"one\ntwo\nthree"]


def test_comments_and_unknown_fields_are_ignored() -> None:
    stream = b": keep-alive\n\n:another\ndata: x\nretry: 10\nfoo: bar\n\n"

    assert datas(parse(stream)) == [b"x"]


def test_only_one_space_after_the_colon_is_dropped() -> None:
    assert datas(parse(b"data:  two spaces\n\ndata\n\n")) == [b" two spaces", b""]


def test_an_event_carries_its_type_and_the_last_event_id() -> None:
    events = parse(b"event: ping\nid: 7\ndata: a\n\ndata: b\n\n")

    assert events == [SseEvent(b"a", "ping", "7"), SseEvent(b"b", "message", "7")]


def test_a_byte_order_mark_at_the_start_is_dropped_even_when_cut() -> None:
    assert datas(parse(b"\xef", b"\xbb", b"\xbfdata: x\n\n")) == [b"x"]


def test_a_character_cut_across_chunks_arrives_whole() -> None:
    encoded = "data: é中🙂\n\n".encode()

    events = parse(*(encoded[index : index + 1] for index in range(len(encoded))))

    assert events[0].data.decode() == "é中🙂"


def test_the_done_sentinel_is_recognised() -> None:
    events = parse(b'data: {"a":1}\n\ndata: [DONE]\n\n')

    assert [event.is_done for event in events] == [False, True]


def test_a_line_growing_past_the_limit_is_refused() -> None:
    parser = SseParser(event_bytes_max=1_000)
    parser.feed(b"data: ")
    for _ in range(49):
        parser.feed(b"x" * 20)
    parser.feed(b"x" * 14)  # 6 + 49 × 20 + 14: exactly the 1,000 bytes allowed

    with pytest.raises(EventTooLargeError, match="limit of 1000"):
        parser.feed(b"x")


def test_an_event_of_many_lines_past_the_limit_is_refused() -> None:
    parser = SseParser(event_bytes_max=1_000)

    with pytest.raises(EventTooLargeError):
        parser.feed((b"data: " + b"y" * 100 + b"\n") * 10)


def test_many_small_events_in_one_chunk_are_within_the_limit() -> None:
    chunk = b"data: " + b"x" * 100 + b"\n\n"

    assert len(parse(chunk * 100, event_bytes_max=1_000)) == 100


def test_an_event_exactly_at_the_limit_is_accepted() -> None:
    # 999 bytes of value plus the line feed the parser counts for each data line.
    assert len(parse(b"data: " + b"x" * 999 + b"\n\n", event_bytes_max=1_000)) == 1


@pytest.mark.parametrize("tail", [b"data: x\n", b"data: x", b"data: x\ndata: y"])
def test_a_stream_ending_inside_an_event_is_truncated(tail: bytes) -> None:
    parser = SseParser()
    parser.feed(b"data: whole\n\n" + tail)

    with pytest.raises(TruncatedStreamError, match="ended inside an event"):
        parser.close()


@pytest.mark.parametrize("tail", [b"", b": bye", b"event: x\n", b"\n"])
def test_a_stream_ending_between_events_closes_cleanly(tail: bytes) -> None:
    parser = SseParser()
    parser.feed(b"data: whole\n\n" + tail)

    parser.close()


line_texts = st.text(
    st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=30
)
line_ends = st.sampled_from(["\n", "\r\n", "\r"])
stream_events = st.lists(
    st.tuples(
        st.lists(line_texts, min_size=1, max_size=4),  # data lines
        st.one_of(st.none(), st.sampled_from(["message", "chunk"])),  # event type
        st.one_of(st.none(), line_texts),  # a comment before the event
        st.lists(line_ends, min_size=8, max_size=8),
    ),
    max_size=8,
)


def encode_stream(
    events: list[tuple[list[str], str | None, str | None, list[str]]], bom: bool
) -> tuple[bytes, list[SseEvent]]:
    """Write events as a stream with varied line ends; return it and the events it holds."""
    lines: list[str] = []
    expected: list[SseEvent] = []
    for data_lines, event_type, comment, ends in events:
        written = [] if comment is None else [f":{comment}"]
        written += [] if event_type is None else [f"event: {event_type}"]
        written += [f"data: {line}" for line in data_lines] + [""]
        lines += [line + end for line, end in zip(written, itertools.cycle(ends), strict=False)]
        expected.append(SseEvent("\n".join(data_lines).encode(), event_type or "message"))

    # After a CR, an LF would join it: a blank line that follows a CR ends with CR too.
    for index in range(1, len(lines)):
        if lines[index - 1].endswith("\r") and lines[index].startswith("\n"):
            lines[index] = "\r"
    return ("\ufeff" if bom else "").encode() + "".join(lines).encode(), expected


@given(stream_events, st.booleans(), st.lists(st.integers(min_value=0), max_size=20))
def test_any_cut_of_a_stream_yields_the_events_written(
    events: list[tuple[list[str], str | None, str | None, list[str]]],
    bom: bool,
    cuts: list[int],
) -> None:
    stream, expected = encode_stream(events, bom)
    bounds = sorted({0, len(stream), *(cut % (len(stream) + 1) for cut in cuts)})

    whole = parse(stream)
    pieces = parse(*(stream[start:end] for start, end in itertools.pairwise(bounds)))

    assert whole == expected
    assert pieces == whole


@given(stream_events)
def test_a_stream_fed_byte_by_byte_yields_the_events_written(
    events: list[tuple[list[str], str | None, str | None, list[str]]],
) -> None:
    stream, expected = encode_stream(events, bom=False)

    assert parse(*(stream[index : index + 1] for index in range(len(stream)))) == expected


def chunk(delta: dict[str, object], **fields: object) -> dict[str, object]:
    choice = {"index": 0, "delta": delta, "finish_reason": None}
    return {"id": "c1", "object": "chat.completion.chunk", "choices": [choice], **fields}


def test_a_chunk_is_decoded_from_bytes_or_text() -> None:
    data = json.dumps(chunk({"content": "hi"}))

    assert decode_chunk(data) == decode_chunk(data.encode()) == chunk({"content": "hi"})


def test_a_chunk_without_an_object_field_is_accepted() -> None:
    assert decode_chunk(b'{"choices": []}') == {"choices": []}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"not json", "chunk is not JSON"),
        (b'{"choices": [', "chunk is not JSON"),
        (b"\xff\xfe", "chunk is not JSON"),
        (b"[1, 2]", r"chunk = \[1, 2\]: must be a JSON object"),
        (b'{"object": "chat.completion", "choices": []}', "chunk.object = 'chat.completion'"),
        (b'{"id": "x"}', "chunk.choices = None: must be a list"),
        (b'{"choices": [3]}', r"chunk.choices\[0\] = 3: must be an object"),
        (b'{"choices": [{"delta": "hi"}]}', r"chunk.choices\[0\].delta = 'hi'"),
    ],
)
def test_data_that_is_not_a_chunk_is_refused(data: bytes, problem: str) -> None:
    with pytest.raises(MalformedChunkError, match=problem):
        decode_chunk(data)


def test_an_error_object_in_the_stream_is_reported_as_the_sellers() -> None:
    with pytest.raises(SellerErrorChunkError) as refused:
        decode_chunk(b'{"error": {"message": "overloaded", "code": 503}}')

    assert refused.value.error == {"message": "overloaded", "code": 503}
    assert isinstance(refused.value, MalformedChunkError)


def test_a_refused_value_is_shown_cut_short() -> None:
    with pytest.raises(MalformedChunkError) as refused:
        decode_chunk(json.dumps({"choices": "x" * 100_000}))

    assert len(str(refused.value)) < 200


def test_reading_a_content_chunk() -> None:
    reading = read_chunk(chunk({"role": "assistant", "content": "Hel"}))

    assert reading == ChunkReading("Hel", (), None, None)


def test_reading_tool_call_deltas_and_a_finish_reason() -> None:
    calls = [{"index": 0, "function": {"arguments": '{"a"'}}]
    data = chunk({"tool_calls": calls})
    data["choices"][0]["finish_reason"] = "tool_calls"  # type: ignore[index]

    assert read_chunk(data) == ChunkReading("", tuple(calls), "tool_calls", None)


def test_reading_a_usage_chunk_without_choices() -> None:
    data = {
        "object": "chat.completion.chunk",
        "choices": [],
        "usage": {"prompt_tokens": 12, "completion_tokens": 34, "total_tokens": 46},
    }

    assert read_chunk(data) == ChunkReading("", (), None, ChunkUsage(12, 34))


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (chunk({"content": 5}), r"chunk.choices\[0\].delta.content = 5"),
        (chunk({"tool_calls": {}}), r"delta.tool_calls = \{\}: must be a list"),
        (chunk({"tool_calls": [1]}), r"delta.tool_calls\[0\] = 1"),
        (chunk({}, usage=[]), "chunk.usage = "),
        (chunk({}, usage={"prompt_tokens": 1}), "chunk.usage.completion_tokens = None"),
        (chunk({}, usage={"prompt_tokens": -1, "completion_tokens": 1}), "prompt_tokens = -1"),
        (chunk({}, usage={"prompt_tokens": True, "completion_tokens": 1}), "prompt_tokens = True"),
        ({"choices": [{"delta": {}, "finish_reason": 1}]}, r"finish_reason = 1"),
        ({"choices": None}, "chunk.choices = None"),
    ],
)
def test_a_chunk_field_of_the_wrong_type_is_refused(data: dict[str, object], problem: str) -> None:
    with pytest.raises(MalformedChunkError, match=problem):
        read_chunk(data)


def test_a_seller_stream_read_end_to_end_meters_its_reply() -> None:
    reply = "Paris is the capital of France. 🇫🇷 Ça va?"
    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": reply[index : index + 3]}) for index in range(0, len(reply), 3)]
    events += [
        chunk({}, usage=None) | {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        {
            "object": "chat.completion.chunk",
            "choices": [],
            "usage": {"prompt_tokens": 9, "completion_tokens": 14},
        },
    ]
    stream = b"".join(f"data: {json.dumps(event)}\r\n\r\n".encode() for event in events)
    stream += b": done\r\ndata: [DONE]\r\n\r\n"
    meter = Meter(default_spec())
    counter = meter.completion_counter()
    finish_reason = usage = None

    parser = SseParser()
    for index in range(0, len(stream), 7):
        for event in parser.feed(stream[index : index + 7]):
            if event.is_done:
                continue
            reading = read_chunk(decode_chunk(event.data))
            counter.add_content(reading.content)
            counter.add_tool_call_deltas(reading.tool_calls)
            finish_reason = finish_reason or reading.finish_reason
            usage = usage or reading.usage
    parser.close()

    assert counter.content() == reply
    assert counter.total() == meter.completion_tokens(reply, [])
    assert (finish_reason, usage) == ("stop", ChunkUsage(9, 14))
