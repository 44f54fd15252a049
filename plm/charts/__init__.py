"""Server-side SVG charts for staff pages, the live dashboard and the printed report.

Pure functions: plain numbers in, an inline ``<svg>`` (markupsafe.Markup) out, no JavaScript and nothing
fetched. Every chart prints its values as text and tells series apart by pattern, not by colour alone,
so it reads the same on a phone, on a projector and on a black-and-white laser print.
"""

from plm.charts.bars import bar_chart, grouped_bar_chart
from plm.charts.tile_map import tile_map

__all__ = ["bar_chart", "grouped_bar_chart", "tile_map"]
