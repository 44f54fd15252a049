"""plm/charts: SVG that parses, bars proportional to their values, text escaped, patterns per chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from plm.charts import bar_chart, grouped_bar_chart

pytestmark = pytest.mark.nodb
SVG = "{http://www.w3.org/2000/svg}"


def _bars(svg) -> list[ET.Element]:
    return [r for r in ET.fromstring(str(svg)).iter(f"{SVG}rect") if r.get("stroke-width") == "1"]


def test_bar_lengths_are_proportional_and_values_are_printed():
    svg = bar_chart([("Bali", 40), ("Jawa Timur", 20), ("Aceh", 0)], title="Hadir per provinsi")
    widths = [float(r.get("width")) for r in _bars(svg)]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0
    texts = [t.text for t in ET.fromstring(str(svg)).iter(f"{SVG}text")]
    assert {"40", "20", "0", "Bali", "Jawa Timur"} <= set(texts)
    assert ET.fromstring(str(svg)).find(f"{SVG}title").text == "Hadir per provinsi"


def test_negative_values_run_left_of_the_zero_line():
    svg = bar_chart([("Naik", 2.5), ("Turun", -2.5)], title="Perubahan", unit=" poin")
    up, down = _bars(svg)
    assert float(down.get("x")) + float(down.get("width")) == pytest.approx(float(up.get("x")))
    assert "-2.5 poin" in str(svg)


def test_labels_and_titles_are_escaped_and_long_labels_shortened_with_the_full_text_kept():
    long_label = "Perpustakaan <script>alert(1)</script> " + "Kabupaten " * 10
    svg = bar_chart([(long_label, 3)], title="A & B")
    root = ET.fromstring(str(svg))  # parses: nothing unescaped
    assert "<script>" not in str(svg) and "A &amp; B" in str(svg)
    assert any(t.text and t.text.endswith("…") for t in root.iter(f"{SVG}text"))
    assert any(t.text == long_label for t in root.iter(f"{SVG}title"))


def test_series_are_told_apart_by_pattern_and_each_chart_has_its_own_patterns():
    first = grouped_bar_chart([("Sesi 1", [2, 4])], series=["Pre", "Post"], title="Nilai")
    second = grouped_bar_chart([("Sesi 2", [3, 5])], series=["Pre", "Post"], title="Nilai")
    fills = {r.get("fill") for r in _bars(first)}
    assert len(fills) == 2 and any(f.startswith("url(#") for f in fills)
    ids = lambda svg: {p.get("id") for p in ET.fromstring(str(svg)).iter(f"{SVG}pattern")}  # noqa: E731
    assert ids(first).isdisjoint(ids(second))
    assert "Sesi 1: Pre 2, Post 4" in str(first)


def test_empty_and_all_zero_charts_still_draw():
    assert ET.fromstring(str(bar_chart([], title="Kosong"))) is not None
    assert [float(r.get("width")) for r in _bars(bar_chart([("A", 0)], title="Nol"))] == [0]


def test_max_value_fixes_the_scale():
    half = bar_chart([("Rata-rata", 2.5)], title="Skala 1-5", max_value=5)
    full = bar_chart([("Rata-rata", 5)], title="Skala 1-5", max_value=5)
    assert float(_bars(half)[0].get("width")) * 2 == pytest.approx(float(_bars(full)[0].get("width")))
