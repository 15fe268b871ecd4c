"""Who may see what: the app's own allow-list and the role of a viewer.

`st.login` (OIDC) only *authenticates*; the identity provider says who someone is, and this
allow-list says what they may see. It maps an e-mail address or a group claim to a role,

    anna@kommun.se      = analyst
    grp:pax-fullmaktige = council

read from a file (`PAX_ROLES_FILE`, TOML or CSV) and from `PAX_ROLES` (entries separated by
`;`). Roles are ordered `public` < `council` < `analyst` (`pax.model.ROLES`).

Resolution (`role_for`): a viewer who has not signed in gets `PAX_DEFAULT_ROLE`. A signed-in
viewer gets the highest role among their e-mail's entry, every entry matching a value of
their `groups` or `roles` claim, and `PAX_DEFAULT_ROLE` — so signing in never lowers what
someone sees, and a signed-in person who is not on the list sees what an anonymous viewer
sees (by default the public view). Nobody is refused the app: the public view is public.

No Streamlit here: `ui/auth.py` reads the claims from `st.user` and passes them in.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pax import config, model

GROUP_PREFIX = "grp:"
# Claims that carry group or app-role names (Microsoft Entra ID: `groups` holds group
# object ids, `roles` the app roles assigned to the user; other providers use `groups`).
GROUP_CLAIMS = ("groups", "roles")
# Claims that may carry the sign-in address, in order of preference (Entra ID puts the
# address in `preferred_username` or `upn` when `email` is not released).
EMAIL_CLAIMS = ("email", "preferred_username", "upn")
ANONYMOUS = "anonym"


def rank(role: str) -> int:
    """0 for public, 1 for council, 2 for analyst; a ValueError for anything else."""
    try:
        return model.ROLES.index(role)
    except ValueError:
        raise ValueError(
            f"okänd roll {role!r}; giltiga roller är {', '.join(model.ROLES)}"
        ) from None


def allows(role: str, minimum: str) -> bool:
    """True when `role` may see what needs `minimum`."""
    return rank(role) >= rank(minimum)


def highest(roles: Iterable[str]) -> str:
    return max(roles, key=rank, default="public")


@dataclass(frozen=True)
class AllowList:
    """E-mail addresses (lower case) and group names mapped to roles."""

    emails: Mapping[str, str] = field(default_factory=dict)
    groups: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.emails or self.groups)

    def merged(self, other: AllowList) -> AllowList:
        """Both lists; where both name the same person or group, the higher role."""

        def merge(a: Mapping[str, str], b: Mapping[str, str]) -> dict[str, str]:
            out = dict(a)
            for key, role in b.items():
                out[key] = highest([out.get(key, "public"), role])
            return out

        return AllowList(merge(self.emails, other.emails), merge(self.groups, other.groups))

    def roles_for(self, email: str | None, groups: Iterable[str]) -> list[str]:
        """Every role the list gives this e-mail address and these groups."""
        found = [self.groups[g] for g in groups if g in self.groups]
        if email and email.strip().lower() in self.emails:
            found.append(self.emails[email.strip().lower()])
        return found


def _entries(pairs: Iterable[tuple[str, str]], where: str) -> AllowList:
    emails: dict[str, str] = {}
    groups: dict[str, str] = {}
    for who, role in pairs:
        who, role = who.strip(), role.strip().lower()
        if not who:
            raise ValueError(f"{where}: en rad saknar e-postadress eller grupp")
        rank(role)  # an unknown role is an error, never silently public
        if who.lower().startswith(GROUP_PREFIX):
            name = who[len(GROUP_PREFIX) :].strip()
            groups[name] = highest([groups.get(name, "public"), role])
        elif "@" in who:
            key = who.lower()
            emails[key] = highest([emails.get(key, "public"), role])
        else:
            raise ValueError(
                f"{where}: {who!r} är varken en e-postadress eller en grupp ({GROUP_PREFIX}namn)"
            )
    return AllowList(emails, groups)


def parse_entries(text: str, where: str = "PAX_ROLES") -> AllowList:
    """`anna@kommun.se=analyst;grp:pax-fullmaktige=council` (`;` or new lines between)."""
    pairs = []
    for item in text.replace("\n", ";").split(";"):
        if not item.strip():
            continue
        if "=" not in item:
            raise ValueError(f"{where}: {item.strip()!r} ska skrivas VEM=ROLL")
        who, role = item.rsplit("=", 1)
        pairs.append((who, role))
    return _entries(pairs, where)


def parse_toml(text: str, where: str = "behörighetslistan") -> AllowList:
    """A TOML file with two tables:

    [users]
    "anna@kommun.se" = "analyst"

    [groups]
    "pax-fullmaktige" = "council"
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{where}: ogiltig TOML ({exc})") from exc
    unknown = set(data) - {"users", "groups"}
    if unknown:
        raise ValueError(f"{where}: okända tabeller {sorted(unknown)}; använd [users] och [groups]")
    pairs = [(who, str(role)) for who, role in data.get("users", {}).items()]
    pairs += [(GROUP_PREFIX + name, str(role)) for name, role in data.get("groups", {}).items()]
    return _entries(pairs, where)


def parse_csv(text: str, where: str = "behörighetslistan") -> AllowList:
    """A CSV file with the columns `vem` (or `who`) and `roll` (or `role`), `;` or `,`;
    groups are written `grp:namn`. Lines starting with `#` are comments."""
    lines = [line for line in text.lstrip("\ufeff").splitlines() if not line.startswith("#")]
    sample = "\n".join(lines[:5])
    dialect = csv.Sniffer().sniff(sample, delimiters=";,") if sample else csv.excel
    reader = csv.DictReader(io.StringIO("\n".join(lines)), dialect=dialect)
    columns = {c.strip().lower(): c for c in reader.fieldnames or []}
    who = columns.get("vem") or columns.get("who")
    role = columns.get("roll") or columns.get("role")
    if not who or not role:
        raise ValueError(f"{where}: kolumnerna vem och roll saknas")
    return _entries(((r[who] or "", r[role] or "") for r in reader), where)


def load_file(path: Path) -> AllowList:
    """The allow-list in a `.toml` or `.csv` file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".csv":
        return parse_csv(text, str(path))
    return parse_toml(text, str(path))


def from_config(env: Mapping[str, str] | None = None) -> AllowList:
    """The file in `PAX_ROLES_FILE` (if set) merged with `PAX_ROLES`. Read on every call:
    the list is small and an edit applies at the viewer's next page load."""
    allow = AllowList()
    path = config.get("PAX_ROLES_FILE", env)
    if path is not None:
        if not path.is_file():
            raise ValueError(f"PAX_ROLES_FILE: filen {path} finns inte")
        allow = load_file(path)
    text = config.get("PAX_ROLES", env)
    return allow.merged(parse_entries(text)) if text.strip() else allow


def _strings(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return [str(value)]


def email_of(claims: Mapping[str, object]) -> str | None:
    """The sign-in address from the identity token, or None. An address the provider
    marks as unverified (`email_verified: false`) is not trusted for the allow-list."""
    if claims.get("email_verified") is False:
        return None
    for name in EMAIL_CLAIMS:
        value = claims.get(name)
        if isinstance(value, str) and "@" in value:
            return value.strip().lower()
    return None


def groups_of(claims: Mapping[str, object]) -> list[str]:
    return [g for name in GROUP_CLAIMS for g in _strings(claims.get(name))]


@dataclass(frozen=True)
class Viewer:
    """The person looking at the app, as far as the app knows."""

    role: str
    signed_in: bool = False
    email: str | None = None
    listed: bool = False  # the allow-list gave them a role

    @property
    def who(self) -> str:
        """For the audit log: the e-mail address, or `anonym`."""
        return self.email or ANONYMOUS


def role_for(
    claims: Mapping[str, object] | None, allow: AllowList, default_role: str = "public"
) -> Viewer:
    """The viewer's role from their identity-token claims (None: not signed in)."""
    rank(default_role)
    if not claims:
        return Viewer(default_role)
    email = email_of(claims)
    listed = allow.roles_for(email, groups_of(claims))
    return Viewer(highest([default_role, *listed]), True, email, bool(listed))


def default_role(env: Mapping[str, str] | None = None) -> str:
    """PAX_DEFAULT_ROLE, or public when it is not a known role."""
    value = config.get("PAX_DEFAULT_ROLE", env)
    return value if value in model.ROLES else "public"
