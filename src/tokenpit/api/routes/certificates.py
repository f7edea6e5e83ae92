"""Certificates, public: what each endpoint measured is what the market trades on.

Audits show only as counts per completed hour. Neither a single audit's time nor a count
that moves as an audit lands is ever shown: either would let a seller pick the audit's
request out of its logs and serve it better than its buyers.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Path, Query

from tokenpit.api.certificate_models import Certificate, CertificateDetail
from tokenpit.api.errors import ApiError
from tokenpit.api.reading import in_thread, next_before_id
from tokenpit.api.requests import MAX_ID
from tokenpit.api.responses import Page
from tokenpit.api.routes import error_responses
from tokenpit.api.state import AppState, State
from tokenpit.api.texts import iso_utc
from tokenpit.core.state import shown_status
from tokenpit.storage import AUDIT_HOUR_NS, MAX_PAGE_ROWS, Row

AUDIT_HISTORY_HOURS: Final = 31 * 24
CertificateId = Annotated[int, Path(ge=1, le=MAX_ID, description="the certificate's id")]
Status = Literal["valid", "expired", "suspended", "superseded", "withdrawn"]


async def list_certificates(
    state: State,
    endpoint_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    grade: Annotated[
        str | None, Query(min_length=1, max_length=32, description="a grade: B or CHAT-B")
    ] = None,
    status: Annotated[Status | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_ROWS, description="rows per page")] = 100,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="page cursor")] = None,
) -> dict[str, Any]:
    """List certificates, newest first; of one endpoint, grade or status when given."""
    now_ns = state.core.clock.now_ns()
    rows = await in_thread(
        state.core.store.certificates,
        endpoint_id=endpoint_id,
        grade=None if grade is None else _grade_name(state, grade),
        status=status,
        now_ns=now_ns,
        audits_before_ns=_hour_start(now_ns),
        limit=limit,
        before_id=before_id,
    )
    return {
        "data": [_shown(row, now_ns) for row in rows],
        "next_before_id": next_before_id(rows, "certificate_id", limit),
    }


async def get_certificate(certificate_id: CertificateId, state: State) -> dict[str, Any]:
    """Show one certificate and its audits by completed hour."""
    now_ns = state.core.clock.now_ns()
    hour_ns = _hour_start(now_ns)
    row = await in_thread(state.core.store.certificate, certificate_id, audits_before_ns=hour_ns)
    if row is None:
        raise ApiError(
            404,
            f"no certificate {certificate_id}",
            code="unknown_certificate",
            param="certificate_id",
        )
    hours = await in_thread(
        state.core.store.audit_hours, certificate_id, until_ns=hour_ns, hours=AUDIT_HISTORY_HOURS
    )
    history = [{"hour": iso_utc(hour["hour_start_ns"]), **hour} for hour in hours]
    return {**_shown(row, now_ns), "audit_history": history}


def _shown(row: Row, now_ns: int) -> dict[str, Any]:
    """Return a certificate row as the API shows it: its id as `id`, expiry applied."""
    body = {**row, "id": row["certificate_id"]}
    body["status"] = shown_status(row["status"], row["expires_at_ns"], now_ns)
    return body


def _hour_start(now_ns: int) -> int:
    """Return the start of the hour `now_ns` falls in: audits count up to there."""
    return now_ns - now_ns % AUDIT_HOUR_NS


def _grade_name(state: AppState, grade: str) -> str:
    """Return a grade's name from its name or symbol (`B`, `CHAT-B`); 400 if no such grade."""
    spec = state.core.spec
    name = grade.removeprefix(f"{spec.symbol_family}-")
    if name not in spec.grade_names:
        symbols = [f"{spec.symbol_family}-{known}" for known in spec.grade_names]
        raise ApiError(
            400,
            f"grade: must be one of {list(spec.grade_names)} or {symbols}, got {grade!r}",
            code="unknown_grade",
            param="grade",
        )
    return name


def routes() -> APIRouter:
    """Build the certificates router."""
    router = APIRouter(tags=["certificates"], responses=error_responses())
    router.add_api_route(
        "/api/certificates",
        list_certificates,
        methods=["GET"],
        response_model=Page[Certificate],
        summary="List certificates (public)",
    )
    router.add_api_route(
        "/api/certificates/{certificate_id}",
        get_certificate,
        methods=["GET"],
        response_model=CertificateDetail,
        summary="Show a certificate and its audits by hour (public)",
    )
    return router
