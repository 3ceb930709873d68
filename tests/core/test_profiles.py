import uuid

import pytest

from ionflux.core.context import Context
from ionflux.core.errors import PermissionDeniedError, SecretError, ValidationError
from ionflux.core.models import ProfileStatus
from ionflux.core.profiles import Brands, Creators
from ionflux.core.users import Users


def test_brand_lifecycle(demo: Context, demo_ws: uuid.UUID) -> None:
    brands = Brands(demo)
    b = brands.create(demo_ws, "EcoThreads", industry="Apparel",
                      visual_identity_assets_json={"logo_url": "https://eco.example/logo.png",
                                                   "color_palette_array": ["#1a2b3c", "#fff"]},
                      mood_board_urls_array=["https://eco.example/mood"],
                      shopify_integration_details_json={"store_url": "https://eco.myshopify.com",
                                                        "access_token_secret_ref": "shopify-eco"})
    assert [x.name for x in brands.list(demo_ws)] == ["EcoThreads"]
    brands.update(b.id, brand_voice_guidelines_text="Warm, honest, a little witty.")
    brands.archive(b.id)
    assert brands.list(demo_ws) == []
    assert brands.list(demo_ws, include_archived=True)[0].status == ProfileStatus.ARCHIVED


@pytest.mark.parametrize(("fields", "where"), [
    ({"visual_identity_assets_json": {"color_palette_array": ["blue"]}},
     "brand.visual_identity_assets_json.color_palette_array[0]"),
    ({"mood_board_urls_array": ["ftp://x"]}, "brand.mood_board_urls_array[0]"),
    ({"status": "deleted"}, "brand.status"),
    ({"favourite_colour": "red"}, "brand.favourite_colour"),
])
def test_bad_brand_fields(demo: Context, demo_ws: uuid.UUID, fields: dict, where: str) -> None:
    with pytest.raises(ValidationError) as err:
        Brands(demo).create(demo_ws, "X", **fields)
    assert err.value.where == where


def test_integration_tokens_must_be_references(demo: Context, demo_ws: uuid.UUID) -> None:
    with pytest.raises(SecretError):
        Brands(demo).create(demo_ws, "X", shopify_integration_details_json={"access_token": "shpat_123"})


def test_creator_lifecycle_and_membership(demo: Context, demo_ws: uuid.UUID) -> None:
    c = Creators(demo).create(demo_ws, "Ava Lee", niche_tags_array=["fashion", "eco"],
                              portfolio_links_array=["https://tiktok.com/@ava"])
    assert Creators(demo).get(c.id).niche_tags_array == ["fashion", "eco"]
    stranger = Users(Context(demo.store)).create("stranger@example.com", "secret")
    with pytest.raises(PermissionDeniedError):
        Creators(Context(demo.store, stranger.id)).create(demo_ws, "Sneaky")
