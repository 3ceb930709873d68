"""The drip scheduler: due steps, time zones, quiet hours (also across a DST change), frequency caps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ew_data import NOW

from ionflux.agents.email_wizard.drip import PLANS, Policy, Step, out_of_quiet_hours, record_send, schedule, zone

POLICY = Policy(quiet_start=21, quiet_end=8, max_per_week=2, min_gap_hours=48, default_tz="America/New_York")


def test_a_new_customer_gets_the_first_step_now_in_waking_hours() -> None:
    planned, why = schedule("id:1", "new", "Europe/Lisbon", None, NOW, POLICY)  # 15:00 in Lisbon
    assert why is None and planned.step.key == "welcome" and planned.send_at == NOW
    assert planned.local_time == "2024-11-20 15:00 WET" and planned.note is None


def test_quiet_hours_move_the_send_to_the_next_local_morning() -> None:
    planned, _ = schedule("id:1", "new", "Asia/Tokyo", None, NOW, POLICY)  # 00:00 in Tokyo
    assert planned.send_at == datetime(2024, 11, 20, 23, 0, tzinfo=UTC)  # 08:00 JST on the 21st
    assert planned.local_time == "2024-11-21 08:00 JST"
    evening, _ = schedule("id:2", "new", "America/Los_Angeles", None, NOW.replace(hour=5), POLICY)  # 21:00 PST
    assert evening.local_time == "2024-11-20 08:00 PST"


def test_quiet_hours_across_the_end_of_daylight_saving() -> None:
    tz, _ = zone("America/New_York", "UTC")
    at = datetime(2024, 11, 3, 5, 30, tzinfo=UTC)  # 01:30 EDT, half an hour before clocks go back
    assert out_of_quiet_hours(at, tz, POLICY) == datetime(2024, 11, 3, 13, 0, tzinfo=UTC)  # 08:00 EST
    day = datetime(2024, 11, 3, 16, 0, tzinfo=UTC)  # 11:00 EST: not quiet
    assert out_of_quiet_hours(day, tz, POLICY) == day


def test_quiet_hours_that_do_not_wrap_midnight() -> None:
    p = Policy(quiet_start=0, quiet_end=7)
    assert p.quiet(3) and not p.quiet(7) and not p.quiet(23)
    assert not Policy(quiet_start=9, quiet_end=9).quiet(9)


def test_unknown_time_zones_fall_back_with_a_note() -> None:
    planned, _ = schedule("id:1", "new", "(GMT-05:00) Eastern Time", None, NOW, POLICY)
    assert planned.timezone == "America/New_York" and "unknown time zone" in planned.note
    planned, _ = schedule("id:1", "new", None, None, NOW, POLICY)
    assert "no time zone on record" in planned.note


def test_steps_follow_their_day_offsets() -> None:
    record = record_send(None, schedule("id:1", "new", "Europe/Lisbon", None, NOW, POLICY)[0])
    planned, why = schedule("id:1", "new", "Europe/Lisbon", record, NOW + timedelta(days=2), POLICY)
    assert planned is None and why == "next step 'tips' is due on 2024-11-23"
    planned, _ = schedule("id:1", "new", "Europe/Lisbon", record, NOW + timedelta(days=3), POLICY)
    assert planned.step.key == "tips"
    record = record_send(record, planned)
    assert record["steps"].keys() == {"welcome", "tips"} and record["started_at"] == NOW.isoformat()


def test_a_segment_change_restarts_the_sequence() -> None:
    record = record_send(None, schedule("id:1", "new", "Europe/Lisbon", None, NOW, POLICY)[0])
    later = NOW + timedelta(days=60)
    planned, _ = schedule("id:1", "at_risk", "Europe/Lisbon", record, later, POLICY)
    assert planned.step.key == "we_miss_you"
    assert record_send(record, planned)["steps"] == {"we_miss_you": later.isoformat()}


def test_a_finished_sequence_waits_before_starting_again() -> None:
    record = None
    moment = NOW
    for step in PLANS["promising"]:
        planned, _ = schedule("id:1", "promising", "Europe/Lisbon", record, moment, POLICY)
        assert planned.step == step
        record = record_send(record, planned)
    planned, why = schedule("id:1", "promising", "Europe/Lisbon", record, NOW + timedelta(days=10), POLICY)
    assert planned is None and why == "sequence finished on 2024-11-20"
    planned, _ = schedule("id:1", "promising", "Europe/Lisbon", record, NOW + timedelta(days=61), POLICY)
    assert planned.step.key == "nudge"


def test_frequency_caps() -> None:
    two_this_week = {"segment": "loyal", "started_at": NOW.isoformat(), "steps": {},
                     "sends": [(NOW - timedelta(days=d)).isoformat() for d in (1, 3)]}
    planned, why = schedule("id:1", "loyal", "Europe/Lisbon", two_this_week, NOW, POLICY)
    assert planned is None and why == "frequency cap: 2 emails in the last 7 days (max 2)"
    yesterday = {**two_this_week, "sends": [(NOW - timedelta(hours=30)).isoformat()]}
    planned, _ = schedule("id:1", "loyal", "Europe/Lisbon", yesterday, NOW, POLICY)
    assert planned.send_at == NOW + timedelta(hours=18)  # 48 h after the last email, 09:00 in Lisbon
    tight = Policy(min_gap_hours=110)  # 80 h from now
    planned, why = schedule("id:1", "loyal", "Europe/Lisbon", yesterday, NOW, tight)
    assert planned is None and "more than 72 h away" in why


def test_a_broadcast_goes_once_and_counts_towards_the_caps() -> None:
    campaign = Step("campaign:bf", 0, "Black Friday preview", "Shop early")
    planned, _ = schedule("id:1", "loyal", "Europe/Lisbon", None, NOW, POLICY, broadcast=campaign)
    record = record_send(None, planned, broadcast=True)
    assert record["broadcasts"] == {"campaign:bf": NOW.isoformat()} and record["sends"] == [NOW.isoformat()]
    again, why = schedule("id:1", "loyal", "Europe/Lisbon", record, NOW + timedelta(days=5), POLICY,
                          broadcast=campaign)
    assert again is None and why == "already received campaign 'campaign:bf'"
    drip, _ = schedule("id:1", "loyal", "Europe/Lisbon", record, NOW, POLICY)
    assert drip.send_at == NOW + timedelta(hours=48)  # the broadcast counts for the gap


def test_old_sends_are_trimmed_from_the_history() -> None:
    old = {"segment": "loyal", "started_at": NOW.isoformat(), "steps": {},
           "sends": [(NOW - timedelta(days=40)).isoformat()]}
    planned, _ = schedule("id:1", "loyal", "Europe/Lisbon", old, NOW, POLICY)
    assert record_send(old, planned)["sends"] == [NOW.isoformat()]
