"""The seller's parts on their own: pseudo-text, token cutting, schema values, its settings."""

from __future__ import annotations

import json
import math
import random
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenpit.settings import Secret
from tokenpit.sim.seller import (
    ChatRequest,
    Fault,
    PseudoResponder,
    RequestError,
    SimSellerConfig,
    Tokenizer,
    Tool,
)
from tokenpit.sim.seller.schema import ExampleMaker
from tokenpit.sim.seller.text import WORDS

TOKENIZER = Tokenizer()
HELLO = ({"role": "user", "content": "hi"},)


def responder(seed: int, reply_tokens: int = 64) -> PseudoResponder:
    config = SimSellerConfig(reply_tokens=reply_tokens, seed=seed)
    return PseudoResponder(config, TOKENIZER, random.Random(seed))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), tokens=st.integers(1, 5_000))
def test_pseudo_text_has_exactly_the_token_count_it_claims(seed: int, tokens: int) -> None:
    reply = responder(seed).text(tokens)

    assert reply.completion_tokens == tokens
    assert TOKENIZER.count(reply.text) == tokens
    assert not reply.text.startswith(" ")


def test_pseudo_text_replays_from_its_seed() -> None:
    first = [responder(5).text(40).text for _ in range(2)]
    second = responder(6).text(40).text

    assert first[0] == first[1]
    assert first[0] != second


def test_every_word_of_the_vocabulary_is_kept() -> None:
    # A tokenizer change that split these words would quietly shrink the vocabulary.
    assert responder(1).words == tuple(WORDS.split())


@settings(max_examples=200, deadline=None)
@given(text=st.text(), limit=st.one_of(st.none(), st.integers(0, 50)))
def test_cutting_text_into_tokens_keeps_it_whole_or_stops_at_the_limit(
    text: str, limit: int | None
) -> None:
    cut = TOKENIZER.split(text, limit)
    total = TOKENIZER.count(text)

    if limit is None or total <= limit:
        assert cut.text == text
        assert cut.tokens == total
        assert not cut.truncated
    else:
        assert cut.tokens == limit
        assert cut.truncated
        assert text.startswith(cut.text.rstrip("\ufffd"))


def test_special_token_text_is_counted_as_plain_text() -> None:
    assert TOKENIZER.count("<|endoftext|>") > 1


SCALARS = st.sampled_from(
    [
        {"type": "string"},
        {"type": "string", "minLength": 20, "maxLength": 30},
        {"type": "string", "format": "date"},
        {"type": "integer"},
        {"type": "integer", "minimum": -5, "maximum": -2},
        {"type": "integer", "exclusiveMinimum": 10},
        {"type": "number", "minimum": 0.5, "maximum": 0.75},
        {"type": "number", "exclusiveMaximum": 0},
        {"type": "boolean"},
        {"type": "null"},
        {"type": ["integer", "null"]},
        {"enum": ["red", "green", 3]},
        {"const": "fixed"},
        {"anyOf": [{"type": "integer"}, {"type": "string"}]},
    ]
)


def schemas() -> st.SearchStrategy[dict[str, Any]]:
    return st.recursive(
        SCALARS,
        lambda inner: st.one_of(
            st.builds(
                lambda items, low: {"type": "array", "items": items, "minItems": low},
                inner,
                st.integers(0, 4),
            ),
            st.dictionaries(st.text("abcxyz_", min_size=1, max_size=6), inner, max_size=4).map(
                lambda properties: {
                    "type": "object",
                    "properties": properties,
                    "required": sorted(properties),
                    "additionalProperties": False,
                }
            ),
        ),
        max_leaves=12,
    )


@settings(max_examples=200, deadline=None)
@given(schema=schemas(), seed=st.integers(0, 1_000))
def test_a_made_value_meets_its_schema(schema: dict[str, Any], seed: int) -> None:
    value = ExampleMaker(("alpha", "beta"), random.Random(seed)).value(schema, "schema")

    assert jsonschema.Draft202012Validator(schema).is_valid(value), (schema, value)
    assert json.loads(json.dumps(value)) == value


def test_a_value_follows_local_refs() -> None:
    schema = {
        "type": "object",
        "properties": {"home": {"$ref": "#/$defs/address"}},
        "required": ["home"],
        "$defs": {
            "address": {
                "type": "object",
                "properties": {"street": {"type": "string"}, "number": {"type": "integer"}},
                "required": ["street", "number"],
            }
        },
    }

    value = ExampleMaker(("alpha",), random.Random(1)).value(schema, "schema")

    assert jsonschema.Draft202012Validator(schema).is_valid(value)


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        ({"type": "tuple"}, "'tuple'"),
        ({"type": "object", "properties": {"a": 5}}, "5"),
        ({"$ref": "https://example.com/schema"}, "only #/$defs/"),
        ({"$ref": "#/$defs/missing"}, "names no definition"),
        ({"type": "array", "minItems": 1_000_000}, "minItems"),
        ({"type": "string", "minLength": 10**9}, "minLength"),
    ],
)
def test_a_schema_it_cannot_meet_is_refused_with_the_reason(
    schema: dict[str, Any], problem: str
) -> None:
    with pytest.raises(RequestError) as refused:
        ExampleMaker(("alpha",), random.Random(1)).value(schema, "tools[0].function.parameters")

    assert refused.value.param == "tools[0].function.parameters"
    assert problem in refused.value.message


def test_the_prompt_count_follows_the_documented_rule() -> None:
    request = ChatRequest(
        model="m",
        messages=(
            {"role": "user", "content": "hi", "name": "ann"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [{"id": "c1", "function": {"name": "f", "arguments": "{}"}}],
            },
            {"role": "tool", "content": "42", "tool_call_id": "c1"},
        ),
    )

    texts = ["user\nhi\nann", "assistant\nf\n{}", "tool\n42\nc1"]
    assert TOKENIZER.prompt_tokens(request) == sum(3 + TOKENIZER.count(t) for t in texts) + 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("model", ""),
        ("api_key", Secret("")),
        ("ttft_ms", -1),
        ("ttft_ms", math.nan),
        ("output_tps", 0),
        ("output_tps", math.inf),
        ("reply_tokens", 0),
        ("reply_tokens", 2.5),
        ("failure_rate", 1.01),
        ("fault", "explode"),
        ("usage_factor", -0.5),
        ("seed", True),
    ],
)
def test_a_bad_setting_is_refused_naming_the_field_and_value(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field) as refused:
        SimSellerConfig(**{field: value})  # type: ignore[arg-type]

    if not isinstance(value, Secret):
        assert repr(value) in str(refused.value)


def test_the_key_never_shows_in_the_settings_repr() -> None:
    config = SimSellerConfig(api_key=Secret("sk-very-secret"), fault=Fault.HANG)

    assert "sk-very-secret" not in repr(config)


def test_a_reply_takes_ttft_plus_the_remaining_tokens_at_output_tps() -> None:
    config = SimSellerConfig(ttft_ms=200, output_tps=50)

    assert config.reply_duration_s(1) == pytest.approx(0.2)
    assert config.reply_duration_s(11) == pytest.approx(0.4)
    assert config.reply_duration_s(0) == pytest.approx(0.2)


def test_the_tool_to_call_is_the_forced_one_else_the_first() -> None:
    tools = (Tool("a", {}), Tool("b", {}))

    assert ChatRequest("m", HELLO, tools=tools).tool_to_call() == tools[0]
    assert ChatRequest("m", HELLO, tools=tools, tool_choice="b").tool_to_call() == tools[1]
    assert ChatRequest("m", HELLO, tools=tools, tool_choice="none").tool_to_call() is None
    assert ChatRequest("m", HELLO).tool_to_call() is None
