"""GeoJSON and GeoPackage import: CRS handling, points through the table rules, polygons as
custom areas, and files that are not what they say. Fixtures are built here, in tmp_path."""

from __future__ import annotations

import json
import zipfile

import duckdb
import geopandas as gpd
import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import Point, box

from pax import geo
from pax.ingest import geofile
from pax.ingest.core import Context, ImportRefused, Options
from pax.ingest.run import import_file
from tests.conftest import ROOT, build_live_store

# Known points in Södertälje (lon, lat) and one in central Stockholm.
INSIDE = [(17.62, 59.19), (17.60, 59.17), (17.65, 59.20)]
STOCKHOLM = (18.07, 59.33)


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context.load(ROOT / "data")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    base = tmp_path_factory.mktemp("s")
    return build_live_store(base), base / "data"


def expected_deso(points) -> list[str]:
    lon, lat = np.array(points).T
    return list(geo.locate(lon, lat, geo.load_areas()))


def project(points, crs: str) -> list[tuple[float, float]]:
    t = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return [t.transform(lon, lat) for lon, lat in points]


def feature(geometry, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def point(x, y) -> dict:
    return {"type": "Point", "coordinates": [x, y]}


def write_geojson(path, features, crs: str | None = None):
    data: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def event_features(coords) -> list[dict]:
    return [
        feature(point(x, y), datum=f"2024-03-0{i + 1} 21:30", kategori="Bilbrand")
        for i, (x, y) in enumerate(coords)
    ]


def square(lon: float, lat: float, half_m: float):
    """A square of 2·half_m metres around a WGS 84 point, in WGS 84."""
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True).transform(lon, lat)
    metric = box(x - half_m, y - half_m, x + half_m, y + half_m)
    return gpd.GeoSeries([metric], crs="EPSG:3006").to_crs("EPSG:4326").iloc[0]


# ------------------------------------------------------------------------------ points


def test_geojson_points_in_wgs84_become_events_and_outside_is_rejected(tmp_path, ctx):
    features = event_features([*INSIDE, STOCKHOLM])
    features[0]["properties"]["datum"] = "2024-03-01T20:30:00Z"  # a zone → Swedish time
    path = write_geojson(tmp_path / "brander.geojson", features)
    parsed = geofile.read(path, "geojson", Options(), ctx)
    assert parsed.kind == "events"
    assert parsed.rows_read == 4
    assert list(parsed.frame["row"]) == [1, 2, 3]
    assert list(parsed.frame["area_code"]) == expected_deso(INSIDE)
    assert set(parsed.frame["category"]) == {"car_fire"}
    assert set(parsed.frame["precision"]) == {"exact"}
    assert parsed.frame["lon"].tolist() == pytest.approx([p[0] for p in INSIDE])
    assert str(parsed.frame["occurred_at"].iloc[0]) == "2024-03-01 21:30:00"
    (reject,) = parsed.rejects
    assert reject.row == 4 and "utanför kommunen" in reject.reason


def test_geojson_points_declared_in_sweref99tm_through_crs_member(tmp_path, ctx):
    coords = project(INSIDE, "EPSG:3006")
    path = write_geojson(
        tmp_path / "p.geojson", event_features(coords), crs="urn:ogc:def:crs:EPSG::3006"
    )
    parsed = geofile.read(path, "geojson", Options(), ctx)
    assert list(parsed.frame["area_code"]) == expected_deso(INSIDE)
    assert parsed.frame["lat"].tolist() == pytest.approx([p[1] for p in INSIDE], abs=1e-7)
    assert any("SWEREF 99 TM" in n and "filen" in n for n in parsed.notes)
    assert parsed.rejects == []


@pytest.mark.parametrize("crs", ["EPSG:3011", "EPSG:3021"])
def test_geopackage_points_in_sweref_18_00_and_rt90(tmp_path, ctx, crs):
    coords = project(INSIDE, crs)
    frame = gpd.GeoDataFrame(
        {
            "händelsetyp": ["Skottlossning", "Bilbrand", "Vapengömma"],
            "datum": ["5 mars 2024", "2024-03-06", "2024-03-07 02.15"],
        },
        geometry=[Point(x, y) for x, y in coords],
        crs=crs,
    )
    path = tmp_path / "punkter.gpkg"
    frame.to_file(path, driver="GPKG", layer="handelser")
    parsed = geofile.read(path, "gpkg", Options(), ctx)
    assert parsed.kind == "events"
    assert parsed.rejects == []
    assert list(parsed.frame["area_code"]) == expected_deso(INSIDE)
    assert all(code in ctx.index.deso_codes for code in parsed.frame["area_code"])
    assert parsed.frame["lon"].tolist() == pytest.approx([p[0] for p in INSIDE], abs=1e-6)
    assert list(parsed.frame["category"]) == ["shooting", "car_fire", "weapon_cache"]
    assert parsed.columns["category"] == "händelsetyp"


def test_undeclared_projected_coordinates_are_detected_or_taken_from_option(tmp_path, ctx):
    path = write_geojson(tmp_path / "p.geojson", event_features(project(INSIDE, "EPSG:3006")))
    parsed = geofile.read(path, "geojson", Options(), ctx)
    assert list(parsed.frame["area_code"]) == expected_deso(INSIDE)
    assert any("upptäckt" in n and "EPSG:3006" in n for n in parsed.notes)

    path = write_geojson(tmp_path / "q.geojson", event_features(project(INSIDE, "EPSG:3011")))
    parsed = geofile.read(path, "geojson", Options(crs="EPSG:3011"), ctx)
    assert list(parsed.frame["area_code"]) == expected_deso(INSIDE)
    assert any("--crs" in n for n in parsed.notes)


def test_declared_crs_wins_over_option(tmp_path, ctx):
    path = write_geojson(
        tmp_path / "p.geojson",
        event_features(project(INSIDE, "EPSG:3006")),
        crs="urn:ogc:def:crs:EPSG::3006",
    )
    parsed = geofile.read(path, "geojson", Options(crs="EPSG:3011"), ctx)
    assert list(parsed.frame["area_code"]) == expected_deso(INSIDE)
    assert any("användes inte" in n for n in parsed.notes)


def test_invalid_or_missing_geometry_is_rejected_not_fatal(tmp_path, ctx):
    features = event_features([INSIDE[0]] * 5)
    features[1]["geometry"] = None
    features[2]["geometry"] = {"type": "Point", "coordinates": []}
    features[3]["geometry"] = {"type": "LineString", "coordinates": [[17.6, 59.1], [17.7, 59.2]]}
    features[4]["geometry"] = {"type": "Bogus", "coordinates": [1, 2]}
    path = write_geojson(tmp_path / "trasig.geojson", features)
    parsed = geofile.read(path, "geojson", Options(), ctx)
    assert len(parsed.frame) == 1
    reasons = {r.row: r.reason for r in parsed.rejects}
    assert set(reasons) == {2, 3, 4, 5}
    assert "saknas" in reasons[2]
    assert "LineString stöds inte" in reasons[4]


def test_points_with_type_and_start_become_interventions(tmp_path, ctx):
    features = [
        feature(point(*INSIDE[0]), insatstyp="Nattvandring", start="2024-05-01", ansvarig="X"),
        feature(point(*INSIDE[1]), insatstyp="Okänd", start="2024-05-01", ansvarig="X"),
    ]
    path = write_geojson(tmp_path / "insatser.geojson", features)
    parsed = geofile.read(path, "geojson", Options(), ctx)
    assert parsed.kind == "interventions"
    assert list(parsed.frame["type"]) == ["night_walks"]
    assert parsed.frame["area_code"].iloc[0] == expected_deso(INSIDE[:1])[0]
    assert [r.row for r in parsed.rejects] == [2]


def test_geopackage_with_several_layers_notes_and_honours_layer_choice(tmp_path, ctx):
    path = tmp_path / "lager.gpkg"
    for layer, category in (("forsta", "Bilbrand"), ("andra", "Skottlossning")):
        gpd.GeoDataFrame(
            {"kategori": [category], "datum": ["2024-01-02"]},
            geometry=[Point(*INSIDE[0])],
            crs="EPSG:4326",
        ).to_file(path, driver="GPKG", layer=layer)
    parsed = geofile.read(path, "gpkg", Options(), ctx)
    assert list(parsed.frame["category"]) == ["car_fire"]
    assert any("forsta" in n and "--map layer" in n for n in parsed.notes)
    parsed = geofile.read(path, "gpkg", Options(mapping={"layer": "andra"}), ctx)
    assert list(parsed.frame["category"]) == ["shooting"]
    with pytest.raises(ImportRefused, match="inget lager 'tredje'"):
        geofile.read(path, "gpkg", Options(mapping={"layer": "tredje"}), ctx)


# ------------------------------------------------------------------------------- areas


def test_polygons_become_custom_areas(tmp_path, ctx):
    good = square(*INSIDE[0], 300)
    bowtie = {  # self-intersecting, repaired by make_valid
        "type": "Polygon",
        "coordinates": [
            [[17.60, 59.17], [17.61, 59.18], [17.61, 59.17], [17.60, 59.18], [17.60, 59.17]]
        ],
    }
    flat = {  # collinear: make_valid leaves only lines
        "type": "Polygon",
        "coordinates": [[[17.55, 59.17], [17.60, 59.17], [17.65, 59.17], [17.55, 59.17]]],
    }
    sliver = {  # valid, but far below a square metre
        "type": "Polygon",
        "coordinates": [
            [[17.600, 59.17], [17.601, 59.17], [17.6005, 59.1700000001], [17.600, 59.17]]
        ],
    }
    features = [
        feature(good.__geo_interface__, namn="Trygghetszon Centrum", kategori="trygghetszon"),
        feature(bowtie, name="Fosieby torg"),
        feature(flat, namn="Platt"),
        feature(square(*STOCKHOLM, 300).__geo_interface__, namn="Sergels torg"),
        feature(square(*INSIDE[2], 100).__geo_interface__, namn=""),
        feature(square(*INSIDE[1], 100).__geo_interface__, namn="Trygghetszon centrum!"),
        feature(sliver, namn="Strimla"),
    ]
    path = write_geojson(tmp_path / "zoner.geojson", features)
    parsed = geofile.read(path, "geojson", Options(), ctx)
    assert parsed.kind == "areas"
    frame = parsed.frame
    assert list(frame["code"]) == ["custom-trygghetszon_centrum", "custom-fosieby_torg"]
    assert set(frame["level"]) == {"custom"} and set(frame["parent_code"]) == {"0181"}
    assert frame["area_km2"].iloc[0] == pytest.approx(0.36, rel=1e-3)
    assert frame["category"].iloc[0] == "trygghetszon"
    assert json.loads(frame["geometry"].iloc[0])["type"] == "Polygon"
    assert json.loads(frame["geometry"].iloc[1])["type"] == "MultiPolygon"
    reasons = {r.row: r.reason for r in parsed.rejects}
    assert set(reasons) == {3, 4, 5, 6, 7}
    assert "inte går att laga" in reasons[3]
    assert "helt utanför kommunen" in reasons[4]
    assert "saknar namn" in reasons[5]
    assert "rad 1" in reasons[6]
    assert "arean är noll" in reasons[7]
    assert any("make_valid" in n for n in parsed.notes)


def test_polygons_in_a_projected_geopackage(tmp_path, ctx):
    metric = square(*INSIDE[0], 500)
    frame = gpd.GeoDataFrame({"område": ["Zon A"]}, geometry=[metric], crs="EPSG:4326")
    path = tmp_path / "zoner.gpkg"
    frame.to_crs("EPSG:3021").to_file(path, driver="GPKG")
    parsed = geofile.read(path, "gpkg", Options(), ctx)
    assert list(parsed.frame["code"]) == ["custom-zon_a"]
    assert parsed.frame["area_km2"].iloc[0] == pytest.approx(1.0, rel=1e-3)
    coords = json.loads(parsed.frame["geometry"].iloc[0])["coordinates"][0]
    assert 17 < coords[0][0] < 18 and 59 < coords[0][1] < 60


def test_polygons_without_a_name_property_are_refused(tmp_path, ctx):
    path = write_geojson(
        tmp_path / "z.geojson", [feature(square(*INSIDE[0], 100).__geo_interface__, x=1)]
    )
    with pytest.raises(ImportRefused, match="saknar namn"):
        geofile.read(path, "geojson", Options(), ctx)


# ------------------------------------------------------------------------- bad files


def test_mixed_points_and_polygons_ask_to_split(tmp_path, ctx):
    features = event_features(INSIDE[:1]) + [
        feature(square(*INSIDE[0], 100).__geo_interface__, namn="Zon")
    ]
    path = write_geojson(tmp_path / "blandat.geojson", features)
    with pytest.raises(ImportRefused, match="blandar punkter .* och ytor .*dela upp"):
        geofile.read(path, "geojson", Options(), ctx)


@pytest.mark.parametrize(
    ("name", "content", "fmt", "message"),
    [
        ("tom.geojson", b"", "geojson", "tom"),
        ("tom.gpkg", b"", "gpkg", "tom"),
        ("inte.geojson", b"datum;kategori\n2024-01-01;Bilbrand\n", "geojson", "inte giltig JSON"),
        ("lista.geojson", b"[1, 2]", "geojson", "ingen GeoJSON-FeatureCollection"),
        ("inga.geojson", b'{"type":"FeatureCollection","features":[]}', "geojson", "inga"),
        ("text.gpkg", b"hej hej", "gpkg", "ingen GeoPackage"),
    ],
)
def test_files_that_are_not_what_they_say(tmp_path, ctx, name, content, fmt, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRefused, match=message) as err:
        geofile.read(path, fmt, Options(), ctx)
    assert name in str(err.value) or message == "tom"


def test_zip_named_gpkg_is_refused(tmp_path, ctx):
    path = tmp_path / "arkiv.gpkg"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("x.txt", "hej")
    with pytest.raises(ImportRefused, match="arkiv.gpkg är ett zip-arkiv"):
        geofile.read(path, "gpkg", Options(), ctx)


# -------------------------------------------------------------------------- end to end


def test_import_file_end_to_end_with_reimport(tmp_path, store):
    store_path, data_dir = store
    path = write_geojson(tmp_path / "brander.geojson", event_features([*INSIDE, STOCKHOLM]))
    opts = Options(source="geotest")
    report = import_file(path, opts, store_path=store_path, data_dir=data_dir)
    assert report.balanced(), report.text()
    assert (report.rows_read, report.imported, report.rejected) == (4, 3, 1)
    assert report.exit_code == 3
    assert report.quarantine
    again = import_file(path, opts, store_path=store_path, data_dir=data_dir)
    assert again.balanced()
    assert (again.imported, again.duplicates, again.rejected) == (0, 3, 1)

    zones = write_geojson(
        tmp_path / "zoner.geojson",
        [feature(square(*INSIDE[0], 300).__geo_interface__, namn="Zon Centrum")],
    )
    report = import_file(zones, Options(), store_path=store_path, data_dir=data_dir)
    assert report.balanced() and report.exit_code == 0
    assert (report.kind, report.imported) == ("areas", 1)
    again = import_file(zones, Options(), store_path=store_path, data_dir=data_dir)
    assert again.balanced() and (again.imported, again.duplicates) == (0, 1)
    with duckdb.connect(str(store_path), read_only=True) as con:
        row = con.execute(
            "SELECT level, parent_code, source_id FROM areas WHERE code = 'custom-zon_centrum'"
        ).fetchall()
    assert row == [("custom", "0181", "import_zoner")]


def test_unknown_declared_crs_is_refused_not_guessed(tmp_path, ctx):
    path = write_geojson(
        tmp_path / "okand.geojson", event_features(INSIDE[:1]), crs="urn:ogc:def:crs:EPSG::999999"
    )
    with pytest.raises(ImportRefused, match="okand.geojson anger ett koordinatsystem som inte"):
        geofile.read(path, "geojson", Options(), ctx)


def test_swapped_axes_without_declared_crs_are_turned(tmp_path, ctx):
    path = write_geojson(
        tmp_path / "omkastad.geojson", event_features([(lat, lon) for lon, lat in INSIDE])
    )
    parsed = geofile.read(path, "geojson", Options(), ctx)
    assert list(parsed.frame["area_code"]) == expected_deso(INSIDE)
    assert any("omkastade" in n for n in parsed.notes)


def test_count_new_and_apply_areas_against_the_store(store, tmp_path, ctx):
    store_path, _ = store
    path = write_geojson(
        tmp_path / "z.geojson",
        [feature(square(*INSIDE[1], 300).__geo_interface__, namn="Zon Räkning")],
    )
    parsed = geofile.read(path, "geojson", Options(), ctx)
    with duckdb.connect(str(store_path)) as con:
        con.execute("BEGIN").fetchall()
        assert geofile.count_new(con, parsed.frame) == (1, 0)
        assert geofile.apply(con, parsed.frame, {"id": "test"}) == (1, 0)
        assert geofile.count_new(con, parsed.frame) == (0, 1)
        assert geofile.apply(con, parsed.frame, {"id": "test"}) == (0, 1)
        con.execute("ROLLBACK").fetchall()
