"""TikTok Display API v2: a creator's profile and recent video performance into their creator record."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from ionflux.agents.integrations.http import IntegrationError, call
from ionflux.agents.retry import RetryPolicy
from ionflux.core.clock import utcnow
from ionflux.core.context import Context
from ionflux.core.profiles import Creators

USER_FIELDS = "open_id,union_id,avatar_url,display_name,bio_description,follower_count,following_count,likes_count," \
              "video_count"
VIDEO_FIELDS = "id,title,create_time,share_url,duration,view_count,like_count,comment_count,share_count"


class TikTokClient:
    """Reads ``/v2/user/info/`` and ``/v2/video/list/`` with the creator's access token."""

    def __init__(self, access_token: str, *, base_url: str | None = None, policy: RetryPolicy | None = None,
                 timeout_s: float = 20.0) -> None:
        self.base = (base_url or "https://open.tiktokapis.com").rstrip("/") + "/v2"
        self.client = httpx.Client(timeout=timeout_s, headers={"Authorization": f"Bearer {access_token}"})
        self.policy = policy or RetryPolicy()

    def close(self) -> None:
        self.client.close()

    def _data(self, response: httpx.Response, where: str) -> dict[str, Any]:
        body = response.json()
        error = body.get("error") or {}
        if error.get("code") not in (None, "ok"):
            raise IntegrationError(f"{error.get('code')}: {error.get('message')}", where=where)
        return body.get("data") or {}

    def profile(self) -> dict[str, Any]:
        response = call(self.client, "GET", f"{self.base}/user/info/", params={"fields": USER_FIELDS},
                        where="tiktok user/info", policy=self.policy)
        return self._data(response, "tiktok user/info").get("user") or {}

    def videos(self, limit: int = 40) -> list[dict[str, Any]]:
        videos: list[dict[str, Any]] = []
        cursor: int | None = None
        while len(videos) < limit:
            body: dict[str, Any] = {"max_count": min(20, limit - len(videos))}
            if cursor is not None:
                body["cursor"] = cursor
            response = call(self.client, "POST", f"{self.base}/video/list/", params={"fields": VIDEO_FIELDS},
                            json=body, where="tiktok video/list", policy=self.policy)
            data = self._data(response, "tiktok video/list")
            videos += data.get("videos") or []
            if not data.get("has_more"):
                break
            cursor = data.get("cursor")
        return videos


def pull_creator(ctx: Context, creator_id: uuid.UUID, client: TikTokClient) -> dict[str, Any]:
    """Store the creator's TikTok profile and video stats in their record; returns the summary stored."""
    profile = client.profile()
    videos = client.videos()
    views = [int(v.get("view_count") or 0) for v in videos]
    engagement = [(int(v.get("like_count") or 0) + int(v.get("comment_count") or 0) + int(v.get("share_count") or 0))
                  / max(1, int(v.get("view_count") or 0)) for v in videos]
    creators = Creators(ctx)
    details = dict(creators.get(creator_id).tiktok_integration_details_json or {})
    details.update({
        "handle": details.get("handle") or profile.get("display_name"),
        "profile": {k: profile.get(k) for k in ("display_name", "follower_count", "following_count", "likes_count",
                                                "video_count", "avatar_url")},
        "videos": [{k: v.get(k) for k in ("id", "title", "create_time", "view_count", "like_count", "comment_count",
                                          "share_count", "share_url")} for v in videos],
        "summary": {"videos": len(videos), "median_views": sorted(views)[len(views) // 2] if views else 0,
                    "mean_engagement_rate": round(sum(engagement) / len(engagement), 4) if engagement else 0.0},
        "last_sync_status": "ok", "last_sync_timestamp": utcnow().isoformat(),
    })
    creators.update(creator_id, tiktok_integration_details_json=details)
    return details
