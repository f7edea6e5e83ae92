"""The load client of bench/gateway.py: a fixed number of chat completions, C at a time.

Usage: _gateway_client.py --url URL --model NAME --requests N --concurrency C
       [--stream] [--warmup W] [--time-limit-s T]
The API key, if any, comes from BENCH_API_KEY (kept off the command line).

Each of C workers keeps one keep-alive connection busy until N requests were sent or the
time limit passed. A request's latency runs from sending it to having read its whole
answer. Every answer is checked: status 200, a JSON `chat.completion` with content, or
for a stream, JSON events with content that end in `data: [DONE]`; a failed check counts
as an error, and the first few are kept to show. W warm-up requests go first, untimed
but checked. Prints one JSON line: {"requests", "ok", "errors", "error_samples",
"warmup_errors", "seconds", "requests_per_s", "p50_ms", "p99_ms", "cut_short"}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import msgspec
import uvloop

REQUEST_TIMEOUT_S = 30.0
KEPT_ERRORS = 5
PROMPT = "Reply with a short greeting."


class AnswerError(Exception):
    """An answer that is not a complete, well-formed chat completion."""


def check_completion(body: bytes) -> None:
    """Raise AnswerError unless `body` is a chat completion with text content."""
    try:
        completion = msgspec.json.decode(body)
        content = completion["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise AnswerError(f"not a chat completion ({error!r}): {body[:120]!r}") from None
    if not isinstance(content, str) or not content:
        raise AnswerError(f"no content in the completion: {body[:120]!r}")


def check_stream(body: bytes) -> None:
    """Raise AnswerError unless `body` is a stream of JSON chunks with content, then [DONE]."""
    events = [line[5:].strip() for line in body.split(b"\n") if line.startswith(b"data:")]
    if not events or events[-1] != b"[DONE]":
        raise AnswerError(f"stream does not end in data: [DONE]: {body[-120:]!r}")
    # One parse of all the events as a JSON array is a fifth of one json.loads per event:
    # the client's own CPU time would otherwise cap the streamed requests/s it can measure.
    try:
        chunks = msgspec.json.decode(b"[" + b",".join(events[:-1]) + b"]")
        if len(chunks) != len(events) - 1:
            raise AnswerError("an event holds more than one JSON value")
        content = [choice["delta"].get("content") or "" for c in chunks for choice in c["choices"]]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise AnswerError(f"not a stream of completion chunks ({error!r})") from None
    if not "".join(content):
        raise AnswerError("stream carried no content")


@dataclass
class Tally:
    """What one pass of requests produced."""

    latencies_ns: list[int] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    cut_short: bool = False

    def record_error(self, reason: str) -> None:
        """Count an error and keep its reason if it is among the first few."""
        self.errors += 1
        if len(self.error_samples) < KEPT_ERRORS:
            self.error_samples.append(reason)


@dataclass(frozen=True)
class Load:
    """What to send: the request, how many, how many at a time, and until when."""

    url: str
    body: bytes
    headers: dict[str, str]
    stream: bool
    concurrency: int


def answer_problem(status: int, body: bytes, stream: bool) -> str | None:
    """Say what is wrong with an answer; None when it is a complete, well-formed one."""
    if status != 200:
        return f"HTTP {status}: {body[:200]!r}"
    try:
        if stream:
            check_stream(body)
        else:
            check_completion(body)
    except AnswerError as error:
        return str(error)
    return None


async def send_one(session: aiohttp.ClientSession, load: Load, tally: Tally) -> None:
    """Send one request, read and check its whole answer, and tally the outcome."""
    sent_ns = time.perf_counter_ns()
    try:
        async with session.post(load.url, data=load.body, headers=load.headers) as response:
            body = await response.read()
    except (aiohttp.ClientError, TimeoutError) as error:
        tally.record_error(str(error) or repr(error))
        return
    elapsed_ns = time.perf_counter_ns() - sent_ns

    problem = answer_problem(response.status, body, load.stream)
    if problem is None:
        tally.latencies_ns.append(elapsed_ns)
    else:
        tally.record_error(problem)


async def send_many(
    session: aiohttp.ClientSession, load: Load, count: int, deadline: float
) -> tuple[Tally, float]:
    """Send `count` requests, `load.concurrency` at a time; return the tally and seconds."""
    tally = Tally()
    remaining = iter(range(count))

    async def worker() -> None:
        for _ in remaining:
            if time.monotonic() > deadline:
                tally.cut_short = True
                return
            await send_one(session, load, tally)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(load.concurrency)))
    return tally, time.perf_counter() - started


def percentile_ms(latencies_ns: list[int], share: float) -> float | None:
    """Return the latency below which `share` of the samples fall, in ms; None if none."""
    if not latencies_ns:
        return None
    ordered = sorted(latencies_ns)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] / 1e6


async def drive(args: argparse.Namespace) -> dict[str, Any]:
    """Warm up, run the timed pass, and return its result record."""
    body: dict[str, Any] = {
        "model": args.model,
        "messages": [{"role": "user", "content": PROMPT}],
        "max_tokens": 32,
    }
    if args.stream:
        body |= {"stream": True, "stream_options": {"include_usage": True}}
    headers = {"Content-Type": "application/json"}
    api_key = os.environ.get("BENCH_API_KEY")
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    load = Load(args.url, json.dumps(body).encode(), headers, args.stream, args.concurrency)

    deadline = time.monotonic() + args.time_limit_s
    connector = aiohttp.TCPConnector(limit=args.concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        warmup, _ = await send_many(session, load, args.warmup, deadline)
        tally, seconds = await send_many(session, load, args.requests, deadline)

    ok = len(tally.latencies_ns)
    return {
        "requests": ok + tally.errors,
        "ok": ok,
        "errors": tally.errors,
        "error_samples": warmup.error_samples + tally.error_samples,
        "warmup_errors": warmup.errors,
        "seconds": seconds,
        "requests_per_s": ok / seconds if seconds > 0 else None,
        "p50_ms": percentile_ms(tally.latencies_ns, 0.50),
        "p99_ms": percentile_ms(tally.latencies_ns, 0.99),
        "cut_short": warmup.cut_short or tally.cut_short,
    }


def main() -> None:
    """Parse the arguments, run the load and print its JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the full chat completions URL")
    parser.add_argument("--model", required=True)
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--stream", action="store_true")
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--time-limit-s", type=float, default=60.0)
    args = parser.parse_args()
    if args.requests < 1 or args.concurrency < 1 or args.warmup < 0 or args.time_limit_s <= 0:
        parser.error("--requests and --concurrency must be at least 1, --warmup at least 0")
    print(json.dumps(uvloop.run(drive(args))), flush=True)


if __name__ == "__main__":
    main()
