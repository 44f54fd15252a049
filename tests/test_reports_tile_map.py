"""The provinces' tile map (plm/charts/tile_map.py): every province once, no two on one square, values
printed, shades in step with the legend."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from plm.charts import tile_map
from plm.charts.tile_map import SHADES, TILES, legend_steps, province_names, shade_index

pytestmark = pytest.mark.nodb
SVG = "{http://www.w3.org/2000/svg}"


def test_every_province_of_the_data_file_is_placed_once():
    names = province_names()
    assert len(names) == 38 == len(set(names))
    assert set(TILES) == set(names)  # spelled as plm/data/provinces.json spells them


def test_no_two_provinces_share_a_square_and_short_labels_are_unique():
    squares = [(col, row) for col, row, _ in TILES.values()]
    assert len(set(squares)) == len(squares)
    shorts = [short for _, _, short in TILES.values()]
    assert len(set(shorts)) == len(shorts)
    assert all(len(short) <= 7 for short in shorts)  # fits a tile at its font size


def test_roughly_geographic_west_to_east():
    col = {name: c for name, (c, _, _) in TILES.items()}
    assert col["Aceh"] < col["DKI Jakarta"] < col["Bali"] < col["Nusa Tenggara Timur"] < col["Papua"]
    assert col["Kalimantan Barat"] < col["Sulawesi Tengah"] < col["Maluku"] < col["Papua Barat"]


@pytest.mark.parametrize("layout", ["wide", "tall"])
def test_both_layouts_place_every_province_once_without_overlap(layout):
    from plm.charts.tile_map import positions

    places = positions(layout)
    assert set(places) == set(province_names())
    assert len(set(places.values())) == 38
    tiles = _tiles(str(tile_map({"Bali": 2}, title="t", layout=layout)))
    assert len(tiles) == 38 and len({p for _, _, p in tiles.values()}) == 38
    width = 1 + max(c for c, _ in places.values())
    assert width == (14 if layout == "wide" else 7)


def test_tall_layout_keeps_neighbours_in_their_half():
    from plm.charts.tile_map import positions

    tall = positions("tall")
    west_rows = {r for name, (_, r) in tall.items() if TILES[name][0] < 7}
    east_rows = {r for name, (_, r) in tall.items() if TILES[name][0] >= 7}
    assert max(west_rows) + 2 == min(east_rows)  # west above east, one blank row between
    assert tall["Papua"][0] > tall["Bali"][0]
    with pytest.raises(ValueError):
        positions("round")


def _tiles(svg: str) -> dict[str, tuple[str, list[str], tuple[float, float]]]:
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "tile":
            rect = g.find(f"{SVG}rect")
            texts = [t.text for t in g.findall(f"{SVG}text")]
            out[g.get("data-province")] = (rect.get("fill"), texts, (float(rect.get("x")), float(rect.get("y"))))
    return out


def test_values_are_printed_in_their_tiles_and_shaded():
    svg = str(tile_map({"Bali": 40, "Jawa Timur": 10, "Papua": 1}, title="Peserta per provinsi",
                       labels={"Bali": "35/40"}, legend_title="Terdaftar"))
    tiles = _tiles(svg)
    assert len(tiles) == 38
    assert tiles["Bali"][1] == ["Bali", "35/40"]
    assert tiles["Jawa Timur"][1] == ["Jatim", "10"]
    assert tiles["Aceh"][1] == ["Aceh", "0"]
    assert tiles["Bali"][0] == SHADES[-1] and tiles["Aceh"][0] == SHADES[0]
    assert tiles["Papua"][0] == SHADES[1]
    # the tiles do not overlap: distinct positions at least one tile apart
    positions = sorted(p for _, _, p in tiles.values())
    assert len(set(positions)) == 38
    assert "<title>Peserta per provinsi</title>" in svg and 'viewBox="0 0 ' in svg
    assert "Terdaftar" in svg


def test_dark_tiles_carry_white_text_for_black_and_white_print():
    svg = str(tile_map({"Bali": 100, "Aceh": 5}, title="t"))
    assert re.search(r'data-province="Bali".*?fill="#ffffff">Bali<', svg)
    assert re.search(r'data-province="Aceh".*?fill="#111111">Aceh<', svg)


def test_unknown_provinces_are_counted_under_the_map_not_lost():
    svg = str(tile_map({"Bali": 3, "Jawa Timr": 2, "": 1}, title="t", unknown_label="Lainnya"))
    assert "Lainnya: 3" in svg
    long = str(tile_map({"x": 1}, title="t", layout="tall", unknown_label="Provinsi tidak diisi atau bukan salah satu dari 38 provinsi"))
    assert long.count("<text x=\"0\"") == 2  # cut into two lines inside the tall map's width
    ET.fromstring(long)
    assert "Lainnya" not in str(tile_map({"Bali": 3}, title="t", unknown_label="Lainnya"))


def test_names_are_escaped():
    svg = str(tile_map({"<b>": 1}, title="<script>", unknown_label="x & y"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "x &amp; y" in svg
    ET.fromstring(svg)  # well-formed


@pytest.mark.parametrize("top", [1, 4, 5, 7, 44, 350])
def test_legend_ranges_cover_every_value_once_and_match_the_shading(top):
    steps = legend_steps(top)
    assert steps[0] == (SHADES[0], "0")
    covered = {}
    for colour, text in steps[1:]:
        low, _, high = text.partition("–")
        for v in range(int(low), int(high or low) + 1):
            assert v not in covered
            covered[v] = colour
    assert sorted(covered) == list(range(1, top + 1))
    for v in range(0, top + 1):
        assert SHADES[shade_index(v, top)] == (covered.get(v) or SHADES[0])


def test_empty_map_still_draws_every_province():
    svg = str(tile_map({}, title="t"))
    assert len(_tiles(svg)) == 38
