"""Om data: sources, the indicator catalogue, geography provenance and disclosure rules."""

import streamlit as st

from pax import geo, i18n
from ui import cached
from ui import components as c
from ui.state import lang, t

c.require_store()
c.page_header("page_about")
info = cached.info()
st.markdown(
    f"Datalagret byggdes **{str(info.get('built_at', '–')).replace('T', ' ')}**. Fiktiva demodata slutar "
    f"**{info.get('demo_end', '–')}** (frö {info.get('demo_seed', '–')})."
    if lang() == "sv"
    else f"The store was built **{str(info.get('built_at', '–')).replace('T', ' ')}**. Fictional demo data end "
    f"**{info.get('demo_end', '–')}** (seed {info.get('demo_seed', '–')})."
)

st.header("Källor" if lang() == "sv" else "Sources")
sources = cached.sources()
table = sources.assign(
    fictional=sources["fictional"].map(
        {True: t("fictional"), False: "verklig" if lang() == "sv" else "real"}
    )
)
table = table[["title", "fictional", "publisher", "licence", "period", "updated", "coverage"]]
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "title": "Titel",
        "publisher": "Utgivare",
        "licence": "Licens",
        "period": t("period"),
        "updated": "Uppdaterad",
        "coverage": "Täckning",
        "fictional": "Verklig/fiktiv",
    },
)
c.downloads(table, "kallor")

st.header("Indikatorer" if lang() == "sv" else "Indicators")
catalog = cached.catalog()
for horizon in ("here_and_now", "trust", "social"):
    part = catalog[catalog["horizon"] == horizon]
    if part.empty:
        continue
    st.subheader(f"{t('horizon_' + horizon)} – {t('horizon_' + horizon + '_sub')}")
    for _, row in part.iterrows():
        flag = f" · :orange-badge[{t('fictional')}]" if row["fictional"] else ""
        st.markdown(
            f"**{i18n.name(row, lang())}** (`{row['id']}`) – "
            f"{row['definition_en'] if lang() == 'en' else row['definition_sv']} "
            f"*{t('theme')}: {t('theme_' + row['theme'])}; enhet: {row['unit']}; "
            f"{t('better_' + row['better']).lower()}; {t('source').lower()}: "
            f"{sources.set_index('id').at[row['source_id'], 'publisher']}*{flag}"
        )

st.header("Geografi" if lang() == "sv" else "Geography")
st.markdown(geo.provenance_markdown())

st.header("Röjandeskydd" if lang() == "sv" else "Disclosure control")
k = cached.privacy_policy().k
st.markdown(
    f"- Antal mellan 1 och {k - 1} visas som **<{k}** i tabeller, brickor, diagram, kartor och "
    "nedladdningar. Inom en tabell med summa döljs också den minsta andra cellen, så att en "
    "dold siffra inte kan räknas fram.\n"
    f"- Andelar per invånare visas inte för områden med färre än "
    f"{cached.privacy_policy().min_population_for_rate} invånare.\n"
    "- Platsprecision efter roll: **allmänhet** – bara områden; **förtroendevalda** – värmekarta "
    "på 250 m-rutnät, aldrig punkter; **analytiker** – källans precision. Vapen- och "
    "narkotikagömmor visas aldrig som punkter för allmänhet eller förtroendevalda.\n"
    "- Ingen fritext från källornas poster visas."
)
