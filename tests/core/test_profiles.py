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


def test_a_brand_round_trips_through_its_yaml_form(demo: Context, demo_ws: uuid.UUID) -> None:
    brands = Brands(demo)
    eco = next(b for b in brands.list(demo_ws) if b.name == "EcoThreads Boutique")
    text = brands.to_yaml(eco)
    assert text.startswith("name: EcoThreads Boutique\n")
    assert brands.parse_yaml(text)["visual_identity_assets_json"] == eco.visual_identity_assets_json
    edited = text.replace("industry: Sustainable fashion", "industry: Circular fashion")
    assert edited != text
    saved = brands.save_yaml(eco.id, edited)
    assert saved.industry == "Circular fashion"
    assert brands.to_yaml(brands.get(eco.id)) == edited


def test_a_field_left_out_of_the_yaml_is_cleared_but_the_status_is_kept(demo: Context, demo_ws: uuid.UUID) -> None:
    creators = Creators(demo)
    c = creators.create(demo_ws, "Ava Lee", bio_text="Thrift hauls", niche_tags_array=["fashion"])
    saved = creators.save_yaml(c.id, "name: Ava Lee\nniche_tags_array: [fashion, eco]\n")
    assert (saved.bio_text, saved.niche_tags_array, saved.status) == (None, ["fashion", "eco"], ProfileStatus.ACTIVE)


@pytest.mark.parametrize(("text", "where", "message"), [
    ("name: X\nvisual_identity_assets_json:\n  color_palette_array:\n  - '#123456'\n  - blue\n",
     "brand.yaml:5:5", "visual_identity_assets_json.color_palette_array[1]: 'blue' is not a hex colour"),
    ("name: X\nstatus: deleted\n", "brand.yaml:2:1", "status: 'deleted' is not one of"),
    ("name: X\nfavourite_colour: red\n", "brand.yaml:2:1", "favourite_colour: unknown field"),
    ("industry: Glass\n", "brand.yaml:1:1", "name: is required"),
    ("name: X\nshopify_integration_details_json:\n  access_token: shpat_123\n", "brand.yaml:3:3",
     "shopify_integration_details_json.access_token: holds a secret value"),
    ("name: [unclosed\n", "brand.yaml:2:1", ""),
    ("- just a list\n", "brand.yaml:1:1", "a brand must be a mapping"),
    ("name: X\nmood_board_urls_array:\n- ''\n- https://ok.example\n- nope\n", "brand.yaml:5:3",
     "mood_board_urls_array[2]: 'nope' is not a valid"),
    ("name: X\nvisual_identity_assets_json:\n  color_palette_array: '#123456'\n", "brand.yaml:3:3",
     "visual_identity_assets_json.color_palette_array: must be a list"),
])
def test_a_bad_yaml_form_names_its_line_and_field_and_changes_nothing(
        demo: Context, demo_ws: uuid.UUID, text: str, where: str, message: str) -> None:
    brands = Brands(demo)
    b = brands.create(demo_ws, "Atelier Verre", industry="Glass")
    before = brands.to_yaml(b)
    with pytest.raises((ValidationError, SecretError)) as err:
        brands.save_yaml(b.id, text)
    assert err.value.where == where
    assert err.value.message.startswith(message)
    assert brands.to_yaml(brands.get(b.id)) == before


def test_a_yaml_rename_onto_another_brand_is_located_at_the_name(demo: Context, demo_ws: uuid.UUID) -> None:
    brands = Brands(demo)
    b = brands.create(demo_ws, "Atelier Verre")
    with pytest.raises(ValidationError, match="already exists") as err:
        brands.save_yaml(b.id, "industry: Glass\nname: EcoThreads Boutique\n")
    assert err.value.where == "brand.yaml:2:1"
    assert brands.get(b.id).industry is None


def test_twins_from_two_offline_devices_resolve_to_the_oldest_everywhere(demo: Context, demo_ws: uuid.UUID) -> None:
    """The name check cannot see another device's offline edits; after sync every device picks the same one."""
    from datetime import UTC, datetime, timedelta

    from ionflux.core.models import Brand

    brands = Brands(demo)
    eco = brands.find(demo_ws, "EcoThreads Boutique")
    with demo.write() as uow:  # as a pull applies another device's row: no name check
        uow.add(Brand(id=uuid.UUID(int=0), workspace_id=demo_ws, name="EcoThreads Boutique",
                      created_at=eco.created_at + timedelta(seconds=1)))
        uow.add(Brand(id=uuid.UUID(int=2**128 - 1), workspace_id=demo_ws, name="ecothreads boutique",
                      created_at=datetime(2020, 1, 1, tzinfo=UTC)))
    assert brands.find(demo_ws, "EcoThreads Boutique").id == uuid.UUID(int=2**128 - 1)
    same = [b.id for b in brands.list(demo_ws) if b.name.lower() == "ecothreads boutique"]
    assert same == [uuid.UUID(int=2**128 - 1), eco.id, uuid.UUID(int=0)]  # the oldest first, whatever the ids


def test_a_new_one_gets_the_first_free_blank_name(demo: Context, demo_ws: uuid.UUID) -> None:
    brands, creators = Brands(demo), Creators(demo)
    first = brands.create_new(demo_ws)
    assert (first.name, first.status) == ("New brand", ProfileStatus.ACTIVE)
    assert brands.create_new(demo_ws).name == "New brand 2"
    brands.update(first.id, name="Atelier Verre")
    assert brands.create_new(demo_ws).name == "New brand"  # free again
    assert creators.create_new(demo_ws).name == "New creator"


def test_names_match_in_any_case_in_any_script(demo: Context, demo_ws: uuid.UUID) -> None:
    brands = Brands(demo)
    b = brands.create(demo_ws, "Émile Atelier")
    assert brands.find(demo_ws, "émile atelier").id == b.id == brands.find(demo_ws, "Émile Atelier").id
    with pytest.raises(ValidationError, match="already exists"):
        brands.create(demo_ws, "ÉMILE ATELIER")
    assert [x.name for x in brands.list(demo_ws)] == ["EcoThreads Boutique", "Émile Atelier"]


def test_a_yaml_edit_writes_only_the_fields_it_changed_since_its_base(demo: Context, demo_ws: uuid.UUID) -> None:
    """A stale editor does not undo what a sync, an agent or another device changed meanwhile."""
    brands = Brands(demo)
    eco = brands.find(demo_ws, "EcoThreads Boutique")
    base = brands.to_yaml(eco)
    brands.update(eco.id, industry="Changed elsewhere", persona_guardian_namespace_id="pg-ns-42")
    edited = base.replace("name: EcoThreads Boutique", "name: EcoThreads Atelier") \
        .replace("description_text: Clothes", "description_text: Jeans")
    saved = brands.save_yaml(eco.id, edited, base=base)
    assert (saved.name, saved.industry, saved.persona_guardian_namespace_id) == (
        "EcoThreads Atelier", "Changed elsewhere", "pg-ns-42")
    assert saved.description_text.startswith("Jeans")
    cleared = brands.to_yaml(saved).replace("industry: Changed elsewhere\n", "")
    assert brands.save_yaml(eco.id, cleared, base=brands.to_yaml(saved)).industry is None  # a deletion is an edit
