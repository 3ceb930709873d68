"""The ``send_report`` output: what was sent (or would be), what was skipped and why, batch by batch."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ionflux.agents.email_wizard.drip import Planned

#: Most entries listed per list; the counts always cover everything.
LIST_LIMIT = 200


@dataclass
class SendReport:
    """Collects a run's outcomes; :meth:`to_json` is the agent's output."""

    mode: str  # "dry_run" or "live"
    mode_reason: str
    generated_at: datetime
    campaign: dict[str, Any]
    sent: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    batches: list[dict[str, Any]] = field(default_factory=list)
    copy: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)
    segments: Counter[str] = field(default_factory=Counter)

    def skip(self, key: str, email: str | None, reason: str, segment: str | None = None) -> None:
        self.skipped.append({"customer": key, "email": email, "segment": segment, "reason": reason})

    def outcome(self, planned: Planned, email: str, status: str, *, message_id: str | None = None,
                error: str | None = None) -> None:
        entry = {"customer": planned.key, "email": email, "segment": planned.segment, "step": planned.step.key,
                 "send_at": planned.send_at.isoformat(), "local_send_time": planned.local_time,
                 "timezone": planned.timezone, "status": status}
        if planned.note:
            entry["note"] = planned.note
        if message_id:
            entry["message_id"] = message_id
        if error:
            entry["error"] = error
        (self.failed if status in ("failed", "unknown", "invalid") else self.sent).append(entry)

    def to_json(self) -> dict[str, Any]:
        scheduled = sum(1 for s in self.sent if s["send_at"] > self.generated_at.isoformat())
        return {
            "mode": self.mode, "mode_reason": self.mode_reason, "generated_at": self.generated_at.isoformat(),
            "campaign": self.campaign,
            "counts": {
                "sent" if self.mode == "live" else "would_send": len(self.sent),
                "scheduled_for_later": scheduled, "skipped": len(self.skipped), "failed": len(self.failed),
                "skipped_by_reason": dict(Counter(_reason_kind(s["reason"]) for s in self.skipped).most_common()),
                "audience_by_segment": dict(sorted(self.segments.items())),
            },
            "sent": self.sent[:LIST_LIMIT], "skipped": self.skipped[:LIST_LIMIT], "failed": self.failed[:LIST_LIMIT],
            "truncated": {k: max(0, len(v) - LIST_LIMIT) for k, v in
                          (("sent", self.sent), ("skipped", self.skipped), ("failed", self.failed))
                          if len(v) > LIST_LIMIT},
            "batches": self.batches, "copy": self.copy, "problems": self.problems,
        }


def _reason_kind(reason: str) -> str:
    """A reason without its particulars (``inactive for 400 days...`` → ``inactive``), for counting."""
    for kind in ("frequency cap", "next step", "sequence finished", "inactive", "invalid email", "already received",
                 "next allowed time", "run limit"):
        if reason.startswith(kind):
            return kind
    return reason
