"""Submit commands to the core and turn what comes back into an answer or an error."""

from __future__ import annotations

from typing import Any

import msgspec
from fastapi import Response

from tokenpit.api.errors import ApiError, failure_error
from tokenpit.api.state import AppState
from tokenpit.core.commands import Command
from tokenpit.core.sequencer import CoreStoppedError, OverloadedError

OVERLOADED_RETRY_S = 1


async def submit(state: AppState, command: Command) -> dict[str, Any]:
    """Run `command` through the core; return its result, or raise the error to answer.

    A refused command raises the status of its failure kind; a core that is overloaded
    or not running raises 503.
    """
    name = type(command).__name__
    gauge = state.metrics.commands_waiting
    gauge.inc()
    try:
        outcome = await state.core.submit(command)
    except OverloadedError as error:
        state.metrics.count_command(name, "overloaded")
        raise ApiError(
            503,
            f"the exchange is overloaded: {error}",
            code="overloaded",
            headers={"Retry-After": str(OVERLOADED_RETRY_S)},
        ) from error
    except CoreStoppedError as error:
        state.metrics.count_command(name, "stopped")
        raise ApiError(503, "the exchange core is not running", code="core_stopped") from error
    finally:
        gauge.dec()

    if outcome.failure is not None:
        state.metrics.count_command(name, outcome.failure.kind)
        raise failure_error(outcome.failure)
    state.metrics.count_command(name, "ok")
    assert outcome.result is not None  # a command that did not fail has a result
    return outcome.result


async def submit_json(state: AppState, command: Command, status_code: int = 200) -> Response:
    """Run `command` and answer with its result as JSON, encoded once.

    Order entry is the hot path: the result is already plain data the route's
    response model documents, so it skips FastAPI's re-validation and
    re-serialisation.
    """
    result = await submit(state, command)
    return Response(
        msgspec.json.encode(result), status_code=status_code, media_type="application/json"
    )
