"""The report's charts: Vega-Lite specifications made with Altair and rendered to SVG by
vl-convert (no browser, no network), text set in a CJK font so that Chinese labels render."""
from __future__ import annotations

import pandas as pd

CJK_FONT = "Noto Sans CJK SC"        # Debian fonts-noto-cjk; named in the page's CSS as well
AMOUNT = "协作/帮扶资金（万元）"
WIDTH = 560


class ChartError(RuntimeError):
    """A chart could not be rendered (the charting library is missing or failed)."""


def by_year_category(projects: pd.DataFrame) -> str:
    """Stacked bars: aid funds per plan year, coloured by category."""
    return _bars(projects, x="plan_year:O", x_title="计划年度 plan year", color="category:N",
                 color_title="类别 category", title="按年度和类别的资金 Funds by year and category")


def by_partner(projects: pd.DataFrame) -> str:
    """Bars: aid funds per donor, coloured by plan year."""
    return _bars(projects, x="donor:N", x_title="帮扶方 partner (donor)", color="plan_year:N",
                 color_title="年度 year", title="按帮扶方的资金 Funds by partner")


def by_town(projects: pd.DataFrame) -> str:
    """Horizontal bars: aid funds per town (乡镇) named in the project's location, by plan year."""
    return _bars(projects, x="town:N", x_title="乡镇 town", color="plan_year:N", color_title="年度 year",
                 title="按乡镇的资金 Funds by town", horizontal=True)


def _bars(frame: pd.DataFrame, x: str, x_title: str, color: str, color_title: str, title: str,
          horizontal: bool = False) -> str:
    try:
        import altair as alt
        import vl_convert as vlc
    except ImportError as exc:
        raise ChartError(f"the charting library is not installed ({exc.name}); run "
                         f"`.venv/bin/pip install altair vl-convert-python`") from exc
    data = frame.assign(aid=frame["aid_funds_wan"].fillna(0.0), plan_year=frame["plan_year"].astype(str))
    field = x.split(":")[0]
    data = data.groupby([field, color.split(":")[0]], as_index=False, observed=True)["aid"].sum()
    cat = alt.X(x, title=x_title, sort="-y" if horizontal else "ascending", axis=alt.Axis(labelAngle=0))
    amount = alt.Y("aid:Q", title=AMOUNT, stack="zero")
    if horizontal:
        cat = alt.Y(x, title=x_title, sort="-x")
        amount = alt.X("aid:Q", title=AMOUNT, stack="zero")
    chart = alt.Chart(data).mark_bar().encode(
        cat, amount, color=alt.Color(color, title=color_title),
        tooltip=[field, color.split(":")[0], alt.Tooltip("aid:Q", format=",.1f")],
    ).properties(title=title, width=WIDTH, height=max(160, 26 * data[field].nunique()) if horizontal else 280)
    chart = chart.configure(font=CJK_FONT) \
        .configure_axis(labelFont=CJK_FONT, titleFont=CJK_FONT, labelFontSize=12, titleFontSize=13) \
        .configure_legend(labelFont=CJK_FONT, titleFont=CJK_FONT, labelFontSize=12, titleFontSize=13) \
        .configure_title(font=CJK_FONT, fontSize=15)
    try:
        return vlc.vegalite_to_svg(chart.to_dict())
    except Exception as exc:        # noqa: BLE001 - vl-convert raises plain ValueError/RuntimeError
        raise ChartError(f"a chart could not be rendered: {str(exc).splitlines()[0][:200]}") from exc
