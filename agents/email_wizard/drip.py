"""Drip plans per segment and the scheduler that decides who gets which step when.

A customer is enrolled in their segment's sequence; a step is due ``day`` days after enrolment.
Sends respect the customer's own time zone (never inside quiet hours, which may wrap midnight) and
frequency caps (at most ``max_per_week`` emails in any 7 days, at least ``min_gap_hours`` apart).
A send that would break a rule is moved later with SendGrid's ``send_at`` when that stays within
its 72-hour window, otherwise skipped with the reason. Changing segment restarts the sequence; a
finished one restarts after ``reenrol_after_days``.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ionflux.core.clock import as_utc

#: SendGrid refuses a ``send_at`` more than 72 hours ahead.
MAX_SCHEDULE_AHEAD = timedelta(hours=72)


@dataclass(frozen=True)
class Step:
    """One email of a sequence: its id, day offset from enrolment, theme (for the copy) and call to action."""

    key: str
    day: int
    theme: str
    cta: str


PLANS: dict[str, tuple[Step, ...]] = {
    "new": (Step("welcome", 0, "welcome and thank you for the first order", "Discover the collection"),
            Step("tips", 3, "how to get the most out of their purchase", "Read the care guide"),
            Step("second_order", 10, "an invitation to a second order", "Shop new arrivals")),
    "champions": (Step("vip_preview", 0, "early VIP access to the launch", "Get early access"),
                  Step("referral", 5, "a thank-you and an invitation to refer a friend", "Share with a friend")),
    "loyal": (Step("loyalty_thanks", 0, "thanks for their loyalty with a preview", "See what's new"),
              Step("bundle", 7, "a bundle suggestion based on what they like", "Build your bundle")),
    "potential_loyalists": (Step("recommend", 0, "recommendations to come back for more", "Shop your picks"),
                            Step("member_perk", 6, "a member perk to make them regulars", "Claim your perk")),
    "promising": (Step("nudge", 0, "a friendly nudge with bestsellers", "See bestsellers"),),
    "need_attention": (Step("limited", 0, "a limited-time highlight", "Shop the highlight"),),
    "at_risk": (Step("we_miss_you", 0, "we miss you, with what is new since their last visit", "Come back"),
                Step("incentive", 4, "a time-limited incentive to return", "Use your offer"),
                Step("last_call", 9, "a last reminder before the offer ends", "Use it before it ends")),
    "cant_lose_them": (Step("personal", 0, "a personal note and an exclusive offer", "Claim your offer"),
                       Step("reminder", 4, "a reminder of the exclusive offer", "Shop now")),
    "hibernating": (Step("reawaken", 0, "what is new, to rekindle interest", "Take a look"),),
    "lost": (Step("win_back", 0, "a win-back offer", "Come back for less"),
             Step("goodbye", 10, "a last chance before we stop writing", "Stay subscribed")),
    "prospects": (Step("first_order", 0, "an invitation to a first order", "Start shopping"),),
}


@dataclass(frozen=True)
class Policy:
    """Sending rules; hours are local to the customer."""

    quiet_start: int = 21
    quiet_end: int = 8
    max_per_week: int = 2
    min_gap_hours: int = 48
    default_tz: str = "UTC"
    reenrol_after_days: int = 60

    def quiet(self, hour: int) -> bool:
        if self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start > self.quiet_end:  # wraps midnight (21 → 8)
            return hour >= self.quiet_start or hour < self.quiet_end
        return self.quiet_start <= hour < self.quiet_end


@dataclass(frozen=True)
class Planned:
    """One email to send: who, which step, and when (UTC; after ``now`` it goes out with ``send_at``)."""

    key: str
    segment: str
    step: Step
    send_at: datetime
    timezone: str
    local_time: str
    note: str | None = None


def zone(name: str | None, default: str) -> tuple[zoneinfo.ZoneInfo, str | None]:
    """The customer's zone, or the default with a note saying why."""
    if name:
        try:
            return zoneinfo.ZoneInfo(name), None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(default), f"unknown time zone {name!r}; used {default}"
    return zoneinfo.ZoneInfo(default), f"no time zone on record; used {default}"


def out_of_quiet_hours(moment: datetime, tz: zoneinfo.ZoneInfo, policy: Policy) -> datetime:
    """The first time at or after ``moment`` outside the quiet hours in ``tz``."""
    local = moment.astimezone(tz)
    if not policy.quiet(local.hour):
        return moment
    day = local.date() if local.hour < policy.quiet_end else local.date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, policy.quiet_end, tzinfo=tz).astimezone(UTC)


def next_step(segment: str, record: Mapping[str, Any] | None, now: datetime,
              policy: Policy) -> tuple[Step | None, datetime, str | None]:
    """The customer's next step, its due time and the enrolment start (``None`` step: why not)."""
    plan = PLANS.get(segment, ())
    fresh = record is None or record.get("segment") != segment
    start = now if fresh else as_utc(datetime.fromisoformat(record["started_at"]))  # type: ignore[index]
    sent = {} if fresh else dict(record.get("steps") or {})  # type: ignore[union-attr]
    remaining = [s for s in plan if s.key not in sent]
    if not plan:
        return None, now, f"segment {segment!r} has no drip plan"
    if not remaining:
        last = max(as_utc(datetime.fromisoformat(t)) for t in sent.values())
        if now - last < timedelta(days=policy.reenrol_after_days):
            return None, now, f"sequence finished on {last.date().isoformat()}"
        start, remaining = now, list(plan)
    step = remaining[0]
    return step, start + timedelta(days=step.day), start.isoformat()


def schedule(key: str, segment: str, tz_name: str | None, record: Mapping[str, Any] | None, now: datetime,
             policy: Policy, *, broadcast: Step | None = None) -> tuple[Planned | None, str | None]:
    """Plan the customer's next email, or say why there is none now.

    Args:
        broadcast: A one-off campaign step sent now instead of the drip (once per customer); caps,
            quiet hours and time zones apply all the same.

    Returns:
        (planned send, None) or (None, the reason nothing is sent).
    """
    now = as_utc(now)
    if broadcast is not None:
        if broadcast.key in ((record or {}).get("broadcasts") or {}):
            return None, f"already received campaign {broadcast.key!r}"
        step = broadcast
    else:
        found, due, why = next_step(segment, record, now, policy)
        if found is None:
            return None, why
        if due > now:
            return None, f"next step {found.key!r} is due on {due.date().isoformat()}"
        step = found
    tz, tz_note = zone(tz_name, policy.default_tz)
    sends = sorted(as_utc(datetime.fromisoformat(t)) for t in (record or {}).get("sends") or [])
    recent = [t for t in sends if t > now - timedelta(days=7)]
    if len(recent) >= policy.max_per_week:
        return None, f"frequency cap: {len(recent)} emails in the last 7 days (max {policy.max_per_week})"
    at = max(now, sends[-1] + timedelta(hours=policy.min_gap_hours)) if sends else now
    at = out_of_quiet_hours(at, tz, policy)
    if at - now > MAX_SCHEDULE_AHEAD:
        return None, f"next allowed time {at.isoformat()} is more than 72 h away (caps and quiet hours)"
    local = at.astimezone(tz)
    return Planned(key, segment, step, at, tz.key, local.strftime("%Y-%m-%d %H:%M %Z"), tz_note), None


def record_send(record: Mapping[str, Any] | None, planned: Planned, keep_days: int = 30, *,
                broadcast: bool = False) -> dict[str, Any]:
    """The customer's history after ``planned`` was accepted for delivery (older sends trimmed)."""
    cutoff = planned.send_at - timedelta(days=keep_days)
    sends = [t for t in (record or {}).get("sends") or [] if as_utc(datetime.fromisoformat(t)) > cutoff]
    sends.append(planned.send_at.isoformat())
    if broadcast:
        broadcasts = {**((record or {}).get("broadcasts") or {}), planned.step.key: planned.send_at.isoformat()}
        return {**(record or {"segment": None, "started_at": None, "steps": {}}), "sends": sends,
                "broadcasts": broadcasts}
    fresh = record is None or record.get("segment") != planned.segment
    steps = {} if fresh else dict(record.get("steps") or {})  # type: ignore[union-attr]
    started = planned.send_at.isoformat() if fresh or not steps or planned.step.key in steps else \
        record["started_at"]  # type: ignore[index]
    if planned.step.key in steps:  # a re-enrolment after a finished sequence
        steps = {}
    steps[planned.step.key] = planned.send_at.isoformat()
    return {"segment": planned.segment, "started_at": started, "steps": steps, "sends": sends,
            "broadcasts": dict((record or {}).get("broadcasts") or {})}
