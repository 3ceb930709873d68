"""TikTok Display API client against a local server; results land in the creator record."""

from __future__ import annotations

import uuid

from fake_services import Call, FakeService

from ionflux.agents.integrations.tiktok import TikTokClient, pull_creator
from ionflux.core.context import Context
from ionflux.core.profiles import Creators


def test_profile_and_videos_are_pulled_into_the_creator(demo: Context, demo_ws: uuid.UUID) -> None:
    def handler(call: Call):  # type: ignore[no-untyped-def]
        ok = {"code": "ok", "message": "", "log_id": "x"}
        if call.headers.get("authorization") != "Bearer tt-token":
            return 401, {}, {"error": {"code": "access_token_invalid", "message": "bad token"}}
        if call.path == "/v2/user/info/":
            assert "follower_count" in call.query["fields"][0]
            return 200, {}, {"data": {"user": {"display_name": "ava.makes", "follower_count": 48200}}, "error": ok}
        if call.path == "/v2/video/list/" and call.method == "POST":
            body = call.json()
            page = [{"id": f"v{i}", "title": f"Video {i}", "view_count": 1000 * (i + 1), "like_count": 100,
                     "comment_count": 5, "share_count": 5} for i in range(body["max_count"])]
            more = "cursor" not in body
            return 200, {}, {"data": {"videos": page, "cursor": 1700000000, "has_more": more}, "error": ok}
        return 404, {}, {"error": {"code": "not_found", "message": "?"}}

    server = FakeService(handler)
    try:
        creator = Creators(demo).create(demo_ws, "Ava Lee")
        details = pull_creator(demo, creator.id, TikTokClient("tt-token", base_url=server.url))
    finally:
        server.close()
    assert details["profile"]["follower_count"] == 48200 and details["summary"]["videos"] == 40
    stored = Creators(demo).get(creator.id).tiktok_integration_details_json
    assert stored["last_sync_status"] == "ok" and stored["videos"][0]["id"] == "v0"
    assert [c.path for c in server.calls].count("/v2/video/list/") == 2  # followed the cursor
