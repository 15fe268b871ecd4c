"""Pure Plotly figure builders (no Streamlit).

Plotly renders titles, legend names, axis categories, annotations and hover text as a
subset of HTML (`<b>`, `<a href>`, entities…) and reads `%{…}` in a hovertemplate as a
variable. Every text from the data passes `pax.safe`: `_text` (HTML-escaped, braces as
entities) for names, titles and categories — the same function inside hovertemplates, where
the entity braces can never form `%{…}`."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pax import safe


def _text(value) -> str:
    """Text from the data as Plotly shows it: literally, never markup or a template."""
    return safe.plotly_template(value)


FONT = "Source Sans, Arial, sans-serif"
TEXT_COLOR = "#1a1a1a"
HIDDEN_COLOR = "#8c8c8c"  # bars standing for a hidden month
# Series colours, each at least 3:1 against the white plot background (WCAG 1.4.11).
COLORS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#9a7500", "#2e75b6", "#737373", "#843c0c")


def _layout(fig: go.Figure, title: str, height: int, font_size: int) -> go.Figure:
    fig.update_layout(
        title=dict(text=_text(title), font=dict(size=font_size + 2)),
        height=height,
        margin=dict(l=10, r=10, t=50, b=10),
        font=dict(family=FONT, size=font_size, color=TEXT_COLOR),
        legend=dict(orientation="h"),
        separators=", ",
        plot_bgcolor="#ffffff",
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="#e6e6e6", rangemode="tozero")
    return fig


def stacked_bars(
    frame: pd.DataFrame,
    x: str,
    y: str,
    color: str,
    title: str,
    labels: dict[str, str] | None = None,
    height: int = 380,
    font_size: int = 14,
    text: str | None = None,
) -> go.Figure:
    """Stacked bars of `y` over `x`, one trace per `color` value. `text`: a column of
    protected labels (`<k`, `..`) shown on hover instead of `y`, so a hidden cell drawn
    with no height never reads as 0."""
    fig = go.Figure()
    labels = labels or {}
    for i, (key, part) in enumerate(frame.groupby(color, sort=True)):
        name = _text(labels.get(key, key))
        fig.add_bar(
            x=part[x],
            y=part[y].astype(float).fillna(0),
            name=name,
            marker_color=COLORS[i % len(COLORS)],
            **_hover(part, name, text),
        )
    fig.update_layout(barmode="stack")
    # Keep the frame's order (e.g. months) even when a trace lacks some categories.
    fig.update_xaxes(categoryorder="array", categoryarray=list(dict.fromkeys(frame[x])))
    return _layout(fig, title, height, font_size)


def _hover(part: pd.DataFrame, name: str, text: str | None) -> dict:
    """Hover of one bar trace: the protected label when there is one, else the value."""
    if text is None:
        return {"hovertemplate": f"{name}<br>%{{x}}: %{{y}}<extra></extra>"}
    return {
        "customdata": [_text(v) for v in part[text]],
        "hovertemplate": f"{name}<br>%{{x}}: %{{customdata}}<extra></extra>",
    }


def ranked_bars(
    frame: pd.DataFrame,
    label: str,
    value: str,
    title: str,
    highlight=None,
    reference: float | None = None,
    reference_label: str = "",
    height: int = 600,
    font_size: int = 14,
    fmt: str = ",.1f",
) -> go.Figure:
    """Horizontal bars sorted by value, with an optional reference line (e.g. kommun)."""
    data = frame.dropna(subset=[value]).sort_values(value)
    colors = [
        "#c55a11" if highlight is not None and code in highlight else "#1f4e79"
        for code in data.get("code", data[label])
    ]
    fig = go.Figure(
        go.Bar(
            x=data[value],
            y=[_text(v) for v in data[label]],
            orientation="h",
            marker_color=colors,
            hovertemplate=f"%{{y}}: %{{x:{fmt}}}<extra></extra>",
        )
    )
    if reference is not None and not pd.isna(reference):
        fig.add_vline(
            x=reference,
            line_dash="dash",
            line_color="#333",
            annotation_text=_text(reference_label),
            annotation_position="top",
        )
    return _layout(fig, title, height, font_size)


def lines(
    frame: pd.DataFrame,
    x: str,
    y: str,
    series: str,
    title: str,
    height: int = 360,
    font_size: int = 14,
    fmt: str = ",.1f",
) -> go.Figure:
    """One line per `series` value (e.g. an area against the municipality)."""
    fig = go.Figure()
    for i, (key, part) in enumerate(frame.groupby(series, sort=False)):
        name = _text(key)
        fig.add_scatter(
            x=part[x],
            y=part[y],
            name=name,
            mode="lines+markers",
            line=dict(color=COLORS[i % len(COLORS)], width=3),
            hovertemplate=f"{name}<br>%{{x}}: %{{y:{fmt}}}<extra></extra>",
        )
    return _layout(fig, title, height, font_size)


def monthly_trend(
    frame: pd.DataFrame,
    title: str,
    bar_label: str,
    rolling_label: str,
    shaded: list[tuple] | None = None,
    height: int = 380,
    font_size: int = 14,
) -> go.Figure:
    """Monthly bars (hidden months drawn as a low grey bar labelled `<k`, never as a value),
    a 12-month rolling mean, and shaded intervention periods."""
    fig = go.Figure()
    hidden = frame["count_suppressed"].to_numpy()
    shown_y = frame["count"].astype(float).to_numpy()
    fig.add_bar(
        x=frame["month"],
        y=[None if h else y for h, y in zip(hidden, shown_y)],
        name=_text(bar_label),
        marker_color=COLORS[0],
        customdata=frame["count_label"],
        hovertemplate="%{x|%Y-%m}: %{customdata}<extra></extra>",
    )
    if hidden.any():
        fig.add_bar(
            x=frame["month"][hidden],
            y=[0.5] * int(hidden.sum()),
            name=_text(f"{bar_label} ({frame['count_label'][hidden].iloc[0]})"),
            marker_color=HIDDEN_COLOR,
            customdata=frame["count_label"][hidden],
            hovertemplate="%{x|%Y-%m}: %{customdata}<extra></extra>",
        )
    if frame["rolling"].notna().any():
        fig.add_scatter(
            x=frame["month"],
            y=frame["rolling"],
            name=_text(rolling_label),
            mode="lines",
            line=dict(color="#000000", width=3),
            hovertemplate="%{x|%Y-%m}: %{y:.1f}<extra></extra>",
        )
    for start, end, label in shaded or []:
        fig.add_vrect(
            x0=start,
            x1=end,
            fillcolor="#2e7d32",
            opacity=0.08,
            line_width=0,
            annotation_text=_text(label),
            annotation_position="top left",
            annotation_font_size=max(font_size - 4, 9),
        )
    fig.update_layout(barmode="overlay")
    return _layout(fig, title, height, font_size)


def weekday_hour_grid(
    frame: pd.DataFrame,
    weekdays: list[str],
    block_hours: int,
    title: str,
    height: int = 340,
    font_size: int = 14,
) -> go.Figure:
    """A weekday × time-of-day grid; hidden cells are blank and labelled `<k`."""
    hours = list(range(0, 24, block_hours))
    grid = frame.pivot_table(index="weekday", columns="hour", values="count", aggfunc="sum")
    grid = grid.reindex(index=range(1, 8), columns=hours)
    text = frame.pivot_table(
        index="weekday", columns="hour", values="count_label", aggfunc="first"
    ).reindex(index=range(1, 8), columns=hours)
    x = [f"{h:02d}–{h + block_hours:02d}" for h in hours]
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(dtype=float),
            x=x,
            y=weekdays,
            text=text.fillna("0").to_numpy(),
            texttemplate="%{text}",
            colorscale="OrRd",
            hoverongaps=False,
            showscale=False,
            hovertemplate="%{y} %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, height, font_size)


def small_multiples(
    frame: pd.DataFrame,
    x: str,
    y: str,
    facet: str,
    title: str,
    columns: int = 4,
    height_per_row: int = 170,
    font_size: int = 12,
    text: str | None = None,
) -> go.Figure:
    """One small bar chart per `facet` value on a shared y axis (`text` as in
    `stacked_bars`)."""
    from plotly.subplots import make_subplots

    keys = sorted(frame[facet].dropna().unique())
    rows = max(1, -(-len(keys) // columns))
    fig = make_subplots(
        rows=rows,
        cols=columns,
        shared_yaxes=True,
        shared_xaxes=True,
        subplot_titles=[_text(k) for k in keys],
        vertical_spacing=0.12,
    )
    for i, key in enumerate(keys):
        part = frame[frame[facet] == key]
        fig.add_bar(
            x=part[x],
            y=part[y].astype(float).fillna(0),
            marker_color=COLORS[i % len(COLORS)],
            name=_text(key),
            showlegend=False,
            **_hover(part, _text(key), text),
            row=i // columns + 1,
            col=i % columns + 1,
        )
    fig.update_annotations(font_size=font_size)
    return _layout(fig, title, rows * height_per_row + 60, font_size)


def bars_with_target(
    frame: pd.DataFrame,
    x: str,
    y: str,
    title: str,
    target: float | None = None,
    target_label: str = "",
    height: int = 260,
    font_size: int = 13,
) -> go.Figure:
    """Monthly bars with an optional dashed target line."""
    fig = go.Figure(
        go.Bar(
            x=frame[x],
            y=frame[y],
            marker_color=COLORS[0],
            hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
        )
    )
    if target is not None and not pd.isna(target):
        fig.add_hline(
            y=target,
            line_dash="dash",
            line_color="#c55a11",
            annotation_text=_text(target_label),
            annotation_position="top left",
        )
    fig.update_layout(showlegend=False)
    return _layout(fig, title, height, font_size)


def lines_with_band(
    frame: pd.DataFrame,
    x: str,
    y: str,
    low: str,
    high: str,
    series: str,
    title: str,
    height: int = 340,
    font_size: int = 14,
) -> go.Figure:
    """Lines per series with a shaded 95 % interval."""
    fig = go.Figure()
    for i, (key, part) in enumerate(frame.groupby(series, sort=False)):
        color = COLORS[i % len(COLORS)]
        name = _text(key)
        fig.add_scatter(
            x=list(part[x]) + list(part[x])[::-1],
            y=list(part[high]) + list(part[low])[::-1],
            fill="toself",
            fillcolor=color,
            opacity=0.15,
            line=dict(width=0),
            hoverinfo="skip",
            showlegend=False,
        )
        fig.add_scatter(
            x=part[x],
            y=part[y],
            name=name,
            mode="lines+markers",
            line=dict(color=color, width=3),
            hovertemplate=f"{name}<br>%{{x}}: %{{y:.0f}} %<extra></extra>",
        )
    fig.update_xaxes(type="category")  # survey years, not a continuous axis
    return _layout(fig, title, height, font_size)


def small_multiples_lines(
    frame: pd.DataFrame,
    x: str,
    y: str,
    facet: str,
    series: str,
    title: str,
    columns: int = 3,
    height_per_row: int = 220,
    font_size: int = 12,
    area_label: str = "Område",
) -> go.Figure:
    """One small line chart per `facet` (an area), each line per `series` (the area and
    the municipality), on shared axes. The first line of each panel is named `area_label`
    in the legend."""
    from plotly.subplots import make_subplots

    keys = list(dict.fromkeys(frame[facet]))
    rows = max(1, -(-len(keys) // columns))
    fig = make_subplots(
        rows=rows,
        cols=columns,
        shared_yaxes=True,
        subplot_titles=[_text(k) for k in keys],
        vertical_spacing=0.15,
    )
    legend_done = set()
    for i, key in enumerate(keys):
        part = frame[frame[facet] == key]
        for j, (name, line) in enumerate(part.groupby(series, sort=False)):
            label = area_label if j == 0 else str(name)
            fig.add_scatter(
                x=line[x].astype(str),
                y=line[y],
                mode="lines+markers",
                name=_text(label),
                legendgroup=label,
                showlegend=label not in legend_done,
                line=dict(color=COLORS[j % len(COLORS)], width=3),
                hovertemplate=f"{_text(name)}<br>%{{x}}: %{{y:,.1f}}<extra></extra>",
                row=i // columns + 1,
                col=i % columns + 1,
            )
            legend_done.add(label)
    fig.update_xaxes(type="category")
    fig.update_annotations(font_size=font_size)
    return _layout(fig, title, rows * height_per_row + 80, font_size)
