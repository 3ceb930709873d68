import uuid

import pytest

from ionflux.core.context import Context
from ionflux.core.errors import PermissionDeniedError, SecretError, ValidationError
from ionflux.core.models import ProfileStatus
from ionflux.core.profiles import Brands, Creators
from ionflux.core.users import Users


def test_brand_lifecycle(demo: Context, demo_ws: uuid.UUID) -> None:
    brands = Brands(demo)
    b = brands.create(demo_ws, "Atelier Verre", industry="Apparel",
                      visual_identity_assets_json={"logo_url": "https://eco.example/logo.png",
                                                   "color_palette_array": ["#1a2b3c", "#fff"]},
                      mood_board_urls_array=["https://eco.example/mood"],
                      shopify_integration_details_json={"store_url": "https://eco.myshopify.com",
                                                        "access_token_secret_ref": "shopify-eco"})
    assert [x.name for x in brands.list(demo_ws)] == ["Atelier Verre", "EcoThreads Boutique"]  # and the demo's
    brands.update(b.id, brand_voice_guidelines_text="Warm, honest, a little witty.")
    brands.archive(b.id)
    assert [x.name for x in brands.list(demo_ws)] == ["EcoThreads Boutique"]
    assert brands.list(demo_ws, include_archived=True)[0].status == ProfileStatus.ARCHIVED


def test_two_brands_or_creators_of_a_workspace_never_share_a_name(demo: Context, demo_ws: uuid.UUID) -> None:
    """Agents find them by name: a second "EcoThreads Boutique" would make which one they use a coin toss."""
    brands, creators = Brands(demo), Creators(demo)
    with pytest.raises(ValidationError, match="a brand named 'ecothreads boutique' already exists") as err:
        brands.create(demo_ws, "ecothreads boutique")
    assert err.value.where == "brand.name"
    other = brands.create(demo_ws, "Atelier Verre")
    with pytest.raises(ValidationError, match="already exists"):
        brands.update(other.id, name="EcoThreads Boutique")
    brands.update(other.id, name="Atelier Verre Maison", industry="Glass")  # its own name may change
    creators.create(demo_ws, "EcoThreads Boutique")  # a creator is another kind of thing
    assert [b.name for b in brands.list(demo_ws)] == ["Atelier Verre Maison", "EcoThreads Boutique"]


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
