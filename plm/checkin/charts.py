"""The live dashboard's charts, drawn on the server with plm/charts from the same counts as the stats
JSON: check-ins per day (bars) and today's arrivals per province (the tile map the funders' report
uses). Request-bound (labels in the reader's language)."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup

from plm.charts import bar_chart, tile_map


def live_charts(stats: dict) -> dict[str, Markup]:
    """{"days": bars, "provinces": map}; a chart with nothing to show (a facilitator's view) is left out."""
    out: dict[str, Markup] = {}
    days = [c for c in stats["checkpoints"] if c["kind"] == "day"]
    if days:
        rows = [(_("Day %(n)s", n=n) + " · " + format_date(date.fromisoformat(c["day"]), "EEE d MMM"), c["checked_in"])
                for n, c in enumerate(days, start=1)]
        out["days"] = bar_chart(rows, title=_("Checked in per day"), max_value=stats["registered"] or None)
    if stats.get("current_day") and stats["provinces"]:
        provinces = stats["provinces"]
        out["provinces"] = Markup("").join(tile_map(
            {p["province"]: p["expected"] for p in provinces},
            labels={p["province"]: f"{p['checked_in']}/{p['expected']}" for p in provinces},
            title=_("Checked in today per province"), legend_title=_("Registered"),
            unknown_label=_("Province not given or not one of the 38"), layout=layout)
            for layout in ("wide", "tall"))  # CSS shows the tall one on phones
    return out
