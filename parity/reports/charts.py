"""Charts for the .docx report, drawn offline by matplotlib (Agg) with a CJK font from
Debian's fonts-noto-cjk package, found on this machine and never downloaded."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from parity.areas.origins import province_names
from parity.core.fonts import cjk_font_path
from parity.people.choices import StayClass
from parity.reports.figures import Figures


def new_figure():
    """An empty chart with the CJK font, and the font's properties for its labels."""
    # deferred: matplotlib takes half a second to import; only the charts need it
    import matplotlib

    matplotlib.use("Agg")
    # deferred as above, and loaded once the Agg backend is chosen
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    path = cjk_font_path()
    font_manager.fontManager.addfont(path)
    family = font_manager.FontProperties(fname=path).get_name()
    figure = Figure(figsize=(6.0, 3.2), dpi=150)
    return figure, {"family": family}


def png_bytes(figure) -> bytes:
    """The chart as PNG bytes."""
    out = io.BytesIO()
    figure.tight_layout()
    figure.savefig(out, format="png")
    return out.getvalue()


def scale_chart(f: Figures) -> bytes:
    """Inflow and outflow ten years before and on the date, stacked."""
    figure, font = new_figure()
    axes = figure.add_subplot()
    labels = [_("十年前同日"), _("统计日")]
    inflow = [f.inflow_10y, f.inflow]
    outflow = [f.outflow_10y, f.outflow]
    axes.bar(labels, inflow, label=_("流入人口"), color="#3b6ea5")
    axes.bar(labels, outflow, bottom=inflow, label=_("流出人口"), color="#e39b3b")
    axes.set_title(_("流动人口规模"), fontdict=font)
    axes.set_ylabel(_("人"), fontdict=font)
    for tick in axes.get_xticklabels():
        tick.set_fontfamily(font["family"])
    axes.legend(prop=font)
    return png_bytes(figure)


def stay_chart(f: Figures) -> bytes:
    figure, font = new_figure()
    axes = figure.add_subplot()
    values = [f.stay_under_6m, f.stay_6m_to_5y, f.stay_over_5y]
    labels = [str(StayClass.UNDER_6M.label), str(StayClass.SIX_M_TO_5Y.label)]
    labels.append(str(StayClass.OVER_5Y.label))
    if sum(values):
        _wedges, texts, _autotexts = axes.pie(
            values, labels=labels, autopct="%1.0f%%", startangle=90, counterclock=False
        )
        for text in texts:
            text.set_fontfamily(font["family"])
    axes.set_title(_("流入人口居住时间"), fontdict=font)
    return png_bytes(figure)


def origins_chart(f: Figures, top: int = 10) -> bytes:
    figure, font = new_figure()
    axes = figure.add_subplot()
    names = province_names()
    rows = f.province_counts[:top]
    axes.barh([names.get(code, code) for code, _n in rows][::-1], [n for _c, n in rows][::-1])
    for tick in axes.get_yticklabels():
        tick.set_fontfamily(font["family"])
    axes.set_title(_("流入人口主要来源地(前%(n)d位)") % {"n": top}, fontdict=font)
    return png_bytes(figure)


def charts(f: Figures) -> list[tuple[str, bytes]]:
    """(caption, PNG) for every chart of the report."""
    return [
        (_("图1 流动人口规模"), scale_chart(f)),
        (_("图2 流入人口居住时间"), stay_chart(f)),
        (_("图3 流入人口主要来源地"), origins_chart(f)),
    ]
