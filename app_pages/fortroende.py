"""Förtroende och informationsdelning: information flow to the police, trust and the
culture of silence, and the Pax actions of both sides."""

from ui import cached, trust
from ui import components as c
from ui.state import t

c.require_store()
c.page_header("page_trust", t("horizon_trust"))
c.fictional_notice()

end = cached.as_of()
trust.information_flow(end)
trust.trust_and_silence()
trust.pax_actions(end)
c.disclosure_note()
