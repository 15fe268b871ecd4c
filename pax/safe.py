"""Escaping for every place text from a source meets a renderer (issue 8, item 4).

- `html`: HTML-escapes (quotes too) and neutralises what folium's JavaScript template
  literals and Jinja would run: `${…}`, backticks, braces and backslashes. For folium
  tooltips, popups and legends, Plotly text (titles, names, hover text, axis categories:
  Plotly renders a subset of HTML and decodes entities, so the text shows literally) and
  the briefing HTML.
- `markdown`: backslash-escapes Streamlit's markdown, including links and images,
  `:color[…]` and `:material/…:` directives, `$…$` formulas and raw HTML, and folds line
  breaks, so a name shows as the characters it is made of.
- `plotly_template`: text put inside a Plotly `hovertemplate`, where `%{…}` would be read
  as a variable: the braces become entities, so the pattern never matches (plotly.js has no
  `%%` escape; a doubled percent sign would show as two).
"""

from __future__ import annotations

import html as _html
import re

_TEMPLATE = str.maketrans({"`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;", "\\": "&#92;"})
# `@` too: remark-gfm turns `name@host.se` into a mailto link. `/` too: Streamlit rewrites
# `:material/` to `:material_` in the source and then draws `:material_x:` in any text
# node as an icon, backslashes or not; `:material\/x:` never matches.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'@/])")


def html(value) -> str:
    """Text safe in HTML and inside folium's JS template literals."""
    return _html.escape(str(value), quote=True).translate(_TEMPLATE)


def markdown(value) -> str:
    """Text shown literally by st.markdown, st.caption, st.info and friends."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(value).split()))


def plotly_template(value) -> str:
    """Text safe inside a Plotly hovertemplate and as Plotly text (HTML escaped, braces as
    entities so that `%{…}` is never a variable)."""
    return html(value)
