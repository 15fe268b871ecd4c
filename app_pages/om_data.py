"""Om data: sources, the indicator catalogue, geography provenance and disclosure rules."""

import streamlit as st

from pax import geo, i18n, safe
from ui import cached
from ui import components as c
from ui.state import lang, t

c.require_store()
c.page_header("page_about")
info = cached.info()
built = str(info.get("built_at", "–")).replace("T", " ")
st.caption(t(f"mode_{cached.mode()}"))
if cached.mode() == "live":
    st.markdown(t("store_built_live", built=built, files=info.get("imported_files", "0")))
else:
    st.markdown(
        t(
            "store_built",
            built=built,
            end=info.get("demo_end", "–"),
            seed=info.get("demo_seed", "–"),
        )
    )

st.header(t("sources"))
sources = cached.sources()
table = sources.assign(
    fictional=sources["fictional"].map({True: t("fictional"), False: t("real")}),
    publisher=[i18n.term(p, lang()) for p in sources["publisher"]],
)
table = table[["title", "fictional", "publisher", "licence", "period", "updated", "coverage"]]
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "title": t("col_title"),
        "publisher": t("col_publisher"),
        "licence": t("col_licence"),
        "period": t("period"),
        "updated": t("col_updated"),
        "coverage": t("col_coverage"),
        "fictional": t("col_real_fictional"),
    },
)
c.downloads(table, "kallor")

st.header(t("indicators"))
catalog = cached.catalog()
for horizon in ("here_and_now", "trust", "social"):
    part = catalog[catalog["horizon"] == horizon]
    if part.empty:
        continue
    st.subheader(f"{t('horizon_' + horizon)} – {t('horizon_' + horizon + '_sub')}")
    for _, row in part.iterrows():
        flag = f" · :orange-badge[{t('fictional')}]" if row["fictional"] else ""
        if not row["has_data"]:
            flag += f" · :gray-badge[{t('not_delivered')}]"
        definition = row["definition_en"] if lang() == "en" else row["definition_sv"]
        publisher = c.publisher(row["source_id"])
        st.markdown(
            f"**{safe.markdown(i18n.name(row, lang()))}** (`{safe.markdown(row['id'])}`) – "
            f"{safe.markdown(definition)} "
            f"*{t('theme')}: {t('theme_' + row['theme'])}; {t('unit').lower()}: "
            f"{i18n.unit_name(row['unit'], lang())}; "
            f"{t('better_' + row['better']).lower()}; {t('source').lower()}: "
            f"{safe.markdown(publisher)}*"
            f"{flag}"
        )

st.header(t("geography"))
if lang() == "en":
    st.caption(t("provenance_in_swedish"))
st.markdown(geo.provenance_markdown())

st.header(t("disclosure_control"))
policy = cached.privacy_policy()
st.markdown(
    i18n.disclosure_rules(
        policy.k,
        policy.noise,
        i18n.number(policy.min_population_for_rate, 0, lang()),
        policy.min_survey_sample,
        lang(),
    )
)
