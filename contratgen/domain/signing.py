"""The client's signature and the dates that run from it.

Until ``document.accepted`` records the client's signature, the earliest date the client
could sign is the document's own date: the 7 days of C. conso. L221-10 and the 14 days
of L221-18 are counted from that date, which is never later than the real signature.
"""
from __future__ import annotations

import datetime
from typing import Optional

from ..load.model import AfterAcceptance, ClientFile

WITHDRAWAL_DAYS = 14        # C. conso. L221-18
COOLING_OFF_DAYS = 7        # C. conso. L221-10: no payment in the 7 days after signing


def signature_date(client: ClientFile) -> datetime.date:
    """The client's signature if recorded, else the earliest date the client could sign."""
    accepted = client.document.accepted
    return accepted.date if accepted else client.document.date


def signature_known(client: ClientFile) -> bool:
    return client.document.accepted is not None


def when_date(when, client: ClientFile) -> Optional[datetime.date]:
    """A performance date: a date, or ``{days_after: signature, days: N}`` from the
    (earliest) signature date."""
    if isinstance(when, datetime.date):
        return when
    if isinstance(when, AfterAcceptance):
        return signature_date(client) + datetime.timedelta(days=when.days)
    return None


def earliest_performance(client: ClientFile) -> Optional[datetime.date]:
    """The first day work may be done: the start, else the end (None: not stated)."""
    perf = client.document.performance
    if perf is None:
        return None
    return when_date(perf.start, client) or when_date(perf.end, client)


def starts_within_withdrawal(client: ClientFile) -> bool:
    """True when performance may start before the 14-day withdrawal period ends."""
    first = earliest_performance(client)
    if first is None:
        return False
    return first <= signature_date(client) + datetime.timedelta(days=WITHDRAWAL_DAYS)
