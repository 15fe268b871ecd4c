"""The allow-list and role resolution (pax.access): e-mail and group claims to roles,
highest role wins, signing in never lowers a role, bad lists fail loudly."""

import pytest

from pax import access
from ui.navigation import PAGES

ENV = "anna@kommun.se=analyst; grp:pax-council=council ;Bo@Kommun.se=council"


def test_env_entries_map_emails_case_insensitively_and_groups():
    allow = access.parse_entries(ENV)
    assert allow.emails == {"anna@kommun.se": "analyst", "bo@kommun.se": "council"}
    assert allow.groups == {"pax-council": "council"}


def test_not_signed_in_gets_the_default_role():
    allow = access.parse_entries(ENV)
    assert access.role_for(None, allow).role == "public"
    assert access.role_for({}, allow, "council").role == "council"


def test_signed_in_by_email_and_group_highest_role_wins():
    allow = access.parse_entries(ENV)
    anna = access.role_for({"email": "ANNA@kommun.se", "groups": ["pax-council"]}, allow)
    assert (anna.role, anna.signed_in, anna.listed, anna.who) == (
        "analyst",
        True,
        True,
        "anna@kommun.se",
    )
    member = access.role_for({"email": "x@kommun.se", "groups": "pax-council"}, allow)
    assert member.role == "council"
    by_app_role = access.role_for({"sub": "1", "roles": ["pax-council"]}, allow)
    assert by_app_role.role == "council" and by_app_role.who == "anonym"


def test_an_unknown_signed_in_user_sees_what_an_anonymous_viewer_sees():
    allow = access.parse_entries(ENV)
    stranger = access.role_for({"email": "eve@example.com"}, allow)
    assert stranger.role == "public" and stranger.signed_in and not stranger.listed
    # Signing in never lowers the role a server gives everyone.
    assert access.role_for({"email": "eve@example.com"}, allow, "council").role == "council"


def test_an_unverified_email_is_not_trusted():
    allow = access.parse_entries(ENV)
    claims = {"email": "anna@kommun.se", "email_verified": False}
    assert access.role_for(claims, allow).role == "public"


def test_entra_style_address_claims_are_used_when_email_is_missing():
    allow = access.parse_entries(ENV)
    assert access.role_for({"preferred_username": "anna@kommun.se"}, allow).role == "analyst"


def test_toml_and_csv_files(tmp_path):
    toml = tmp_path / "roller.toml"
    toml.write_text(
        '[users]\n"anna@kommun.se" = "analyst"\n[groups]\n"pax-council" = "council"\n',
        encoding="utf-8",
    )
    csv = tmp_path / "roller.csv"
    csv.write_text(
        "\ufeff# Pax behörigheter\nvem;roll\nanna@kommun.se;analyst\ngrp:pax-council;council\n",
        encoding="utf-8",
    )
    assert access.load_file(toml) == access.load_file(csv)
    assert access.load_file(csv).groups == {"pax-council": "council"}


def test_file_and_env_are_merged_with_the_higher_role(tmp_path):
    path = tmp_path / "roller.toml"
    path.write_text('[users]\n"bo@kommun.se" = "analyst"\n', encoding="utf-8")
    allow = access.from_config({"PAX_ROLES_FILE": str(path), "PAX_ROLES": ENV})
    assert allow.emails["bo@kommun.se"] == "analyst"
    assert allow.emails["anna@kommun.se"] == "analyst"
    assert not access.from_config({})


@pytest.mark.parametrize(
    "text, message",
    [
        ("anna@kommun.se=admin", "okänd roll"),
        ("anna@kommun.se", "VEM=ROLL"),
        ("anna=analyst", "varken en e-postadress"),
    ],
)
def test_a_bad_entry_is_an_error_never_a_silent_public(text, message):
    with pytest.raises(ValueError, match=message):
        access.parse_entries(text)


def test_a_missing_roles_file_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="finns inte"):
        access.from_config({"PAX_ROLES_FILE": str(tmp_path / "saknas.toml")})


def test_role_order():
    assert access.allows("analyst", "council") and access.allows("council", "council")
    assert not access.allows("public", "council") and not access.allows("council", "analyst")


def test_only_analysts_reach_the_review_page_and_everyone_the_others():
    minimum = {file: role for file, *_, role in PAGES}
    assert minimum.pop("granskning.py") == "analyst"
    assert set(minimum.values()) == {"public"}
