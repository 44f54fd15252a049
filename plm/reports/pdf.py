"""The report as an A4 PDF: a cover with the partners' logos and the key figures, then one section per
table with its chart. Takes the plain :class:`~plm.reports.service.Report`; charts are drawn here, as SVG."""

from __future__ import annotations

from babel.numbers import format_decimal
from markupsafe import Markup

from plm.charts import bar_chart, grouped_bar_chart, tile_map
from plm.reports.service import Report
from plm.reports.texts import texts


def percent(value: float | None, lang: str) -> str:
    return "–" if value is None else format_decimal(value, format="#,##0.#", locale=lang) + "%"


def decimal(value: float | None, lang: str) -> str:
    return "–" if value is None else format_decimal(value, format="#,##0.0#", locale=lang)


def charts(report: Report, t: dict[str, str], *, screen: bool = False) -> dict[str, Markup]:
    """Every chart of the report, by section; the dashboard draws its own from the live counts. On a
    *screen* the map comes in both layouts (CSS shows the tall one on phones) and the provinces also as bars."""
    series = [t["registered"], t["attended"]]
    width = 320 if screen else 480  # a phone's column; half an A4 page
    maps = [tile_map({r.key: r.registered for r in report.by_province},
                     labels={r.key: f"{r.attended}/{r.registered}" for r in report.by_province},
                     title=t["by_province"], legend_title=t["map_legend"], unknown_label=t["no_province"],
                     layout=layout) for layout in (("wide", "tall") if screen else ("wide",))]
    out = {
        "map": Markup("").join(maps),
        "types": grouped_bar_chart([(r.label, [r.registered, r.attended]) for r in report.by_institution_type],
                                   series=series, title=t["by_institution_type"], width=width),
        "roles": grouped_bar_chart([(r.label, [r.registered, r.attended]) for r in report.by_role],
                                   series=series, title=t["by_role"], width=width),
        "days": bar_chart([(f"{t['day_n'] % {'n': d.number}} · {d.label}", d.checked_in) for d in report.days],
                          title=t["per_day"], max_value=report.registered or None, width=width),
    }
    if screen:
        out["provinces"] = grouped_bar_chart([(r.label, [r.registered, r.attended]) for r in report.by_province],
                                             series=series, title=t["by_province"])
    if report.by_gender:
        out["gender"] = grouped_bar_chart([(r.label, [r.registered, r.attended]) for r in report.by_gender],
                                          series=series, title=t["by_gender"], width=width)
    for index, test in enumerate(report.gains_in_detail):
        out[f"gains{index}"] = grouped_bar_chart(
            [(t["everyone"] if g is test.overall else g.label, [g.mean_pre or 0, g.mean_post or 0])
             for g in [test.overall, *test.by_institution_type]],
            series=[t["pre"], t["post"]], title=f'{test.title}: {t["gains_by_type"]}',
            max_value=test.max_score or None, width=width)
    if len(report.years) > 1:
        out["years"] = grouped_bar_chart([(str(y.year), [y.registered, y.attended]) for y in report.years],
                                         series=series, title=t["years"], width=width)
    return out


def render_report_pdf(report: Report) -> bytes:
    """The report as PDF bytes. Collections during the render skip the long-lived heap (a sixth of the time)."""
    from plm.pdf.engine import collect_young_only, file_url, font_stylesheet, jinja_env, render_html, stylesheet

    t = texts(report.lang)
    logos = [u for u in (file_url(p) for p in report.logo_paths) if u]
    html = jinja_env().get_template("reports/report_pdf.html").render(
        r=report, t=t, logos=logos, charts=charts(report, t), pct=lambda v: percent(v, report.lang),
        dec=lambda v: decimal(v, report.lang))
    styles = [font_stylesheet(), stylesheet("reports/report_pdf.css", page_word=t["page"], of_word=t["of"])]
    with collect_young_only():
        return render_html(html, styles, allowed_files=list(report.logo_paths))
