"""Statistics of the electronic queue for the head of the office (API, issue #5 point 7).

``GET /api/v1/queue/stats?office=&date_from=&date_to=&target_minutes=`` — staff with the
roles of ``stats.VIEW_ROLES``; the definitions of every figure are in ``stats``."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from abonent.equeue import stats

router = Router()


class StatsQuery(Schema):
    office: str | None = Field(None, max_length=32, description="office code; none = all")
    date_from: date | None = Field(None, description="first day (Asia/Almaty); default: date_to")
    date_to: date | None = Field(None, description="last day; default: today")
    target_minutes: int | None = Field(
        None, description=f"wait target, 1..{stats.MAX_TARGET_MINUTES}; default from settings"
    )


class RowOut(Schema):
    key: str
    label: str
    issued: int
    called: int
    served: int
    no_show: int
    cancelled: int
    redirected: int
    disputes_opened: int
    disputes_resolved: int
    waits: int
    waits_over_target: int
    consumers: int
    consumers_over_target: int
    services_measured: int
    share_over_target: float | None = Field(
        ..., description="consumers over target / consumers called (0..1)"
    )
    wait_avg_minutes: float | None
    wait_median_minutes: float | None = Field(..., description="null on SQLite")
    wait_p90_minutes: float | None = Field(..., description="null on SQLite")
    wait_max_minutes: float | None
    service_avg_minutes: float | None
    service_median_minutes: float | None = Field(..., description="null on SQLite")
    service_p90_minutes: float | None = Field(..., description="null on SQLite")


class StatsOut(Schema):
    office: str | None
    date_from: date
    date_to: date
    target_minutes: int
    totals: RowOut
    by_day: list[RowOut]
    by_service: list[RowOut]
    by_window: list[RowOut]
    by_employee: list[RowOut]


def report_out(report: stats.Report) -> StatsOut:
    return StatsOut(
        office=report.office.code if report.office else None,
        date_from=report.date_from,
        date_to=report.date_to,
        target_minutes=report.target_minutes,
        totals=RowOut(**stats.as_dict(report.totals)),
        **{
            f"by_{dim}": [RowOut(**stats.as_dict(row)) for row in report.tables[dim]]
            for dim in stats.DIMENSIONS
        },
    )


@router.get("", response=StatsOut, summary="Queue statistics of an office or of all offices")
def queue_stats(request: HttpRequest, q: Query[StatsQuery]) -> StatsOut:
    office = stats.resolve_office(request.user, q.office)
    date_from, date_to = stats.default_period(q.date_from, q.date_to)
    report = stats.build_report(
        office=office, date_from=date_from, date_to=date_to, target_minutes=q.target_minutes
    )
    return report_out(report)
