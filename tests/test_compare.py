"""MTP / precision pairing, pair comparisons and provider margins."""

from __future__ import annotations

import polars as pl
import pytest

from frontier import paths
from frontier.analysis import compare as C
from frontier.analysis import pareto as P
from frontier.analysis.economics import Pricing


def _curve(hw, precision, spec, scale, reach=1.0):
    rows = []
    for conc in (1, 2, 4, 8, 16, 32, 64, 128, 256):
        intv = 150.0 * reach / conc**0.45
        tput = scale * 40.0 * conc**0.85
        rows.append(
            {
                "model": "M",
                "isl": 1024,
                "osl": 1024,
                "hardware": hw,
                "framework": "trt",
                "precision": precision,
                "spec_method": spec,
                "disagg": False,
                "conc": conc,
                "median_intvty": intv,
                "tput_per_gpu": tput,
                "input_tput_per_gpu": tput * 0.5,
                "output_tput_per_gpu": tput * 0.5,
                "topology": "TP8",
            }
        )
    return rows


@pytest.fixture
def pts():
    rows = (
        _curve("b200", "fp4", "none", 2.0)
        + _curve("b200", "fp4", "mtp", 2.6, reach=1.4)
        + _curve("b200", "fp8", "none", 1.0)
        + _curve("h200", "fp8", "none", 0.7)
    )
    return pl.DataFrame(rows)


def test_config_pairs_only_differ_in_one_field(pts):
    m = C.mtp_comparison(pts, [30, 50, 90], pricing=Pricing.dashboard("v0"))
    assert m.pairs.height == 1
    p = m.pairs.row(0, named=True)
    assert p["spec_method_a"] == "none" and p["spec_method_b"] == "mtp" and p["precision"] == "fp4"
    # MTP reaches further: extends the interactivity range by (1.4 − 1) × 150 tok/s/user
    assert p["b_extends_by"] == pytest.approx(150 * 0.4)
    at = m.at_targets.filter(pl.col("target") == 50).row(0, named=True)
    assert at["cost_ratio_b_over_a"] == pytest.approx(at["cost_b"] / at["cost_a"])
    assert at["comparison"].startswith("MTP on is ") and "× cheaper" in at["comparison"]
    gone = m.at_targets.filter(pl.col("cost_a").is_null() | pl.col("cost_b").is_null())["comparison"].to_list()
    assert all(" unreachable at " in w and "none" not in w for w in gone)
    # curve over the shared band: every grid point reachable by both, ratios computed from the spline
    assert m.curves["cost_ratio_b_over_a"].null_count() == 0
    assert m.curves["target"].min() == pytest.approx(p["band_lo"]) and m.curves["target"].max() == pytest.approx(
        p["band_hi"]
    )
    a_pts = pts.filter(
        (pl.col("spec_method") == "none") & (pl.col("precision") == "fp4") & (pl.col("hardware") == "b200")
    ).to_dicts()
    mid = m.curves.row(m.curves.height // 2, named=True)
    assert mid["tput_a"] == pytest.approx(
        P.interpolate_reference(a_pts, mid["target"], "tput_per_gpu", x="median_intvty", y="tput_per_gpu")
    )


def test_precision_pairs_put_lower_bit_first(pts):
    pc = C.precision_comparison(pts, [30, 50], pricing=Pricing.dashboard("v0"))
    assert pc.pairs.height == 1  # same silicon and engine only: b200 fp4 vs b200 fp8
    p = pc.pairs.row(0, named=True)
    assert (p["precision_a"], p["precision_b"], p["hardware"]) == ("fp4", "fp8", "b200")
    row = pc.at_targets.row(0, named=True)
    assert row["cost_b"] / row["cost_a"] == pytest.approx(2.0, rel=1e-9)  # same $/GPU-h, 2× throughput
    assert "fp4 is 2.00× cheaper (−50 % cost" in row["comparison"]
    cross = C.cross_pairs(
        pc.iso,
        {"hardware": "b200", "precision": "fp4", "spec_method": "none"},
        {"hardware": "h200", "precision": "fp8"},
    )
    cc = C.compare_pairs(pc.iso, cross, cost_metric="cost_total_costh")
    r = cc.at_targets.row(0, named=True)
    assert r["cost_b"] / r["cost_a"] == pytest.approx((2.0 / 0.7) * (1.41 / 1.95), rel=1e-9)


def test_provider_margins(pts):
    providers = pl.DataFrame(
        {
            "provider": ["fast", "slow", "other"],
            "model": ["M", "M", "Z"],
            "price_input_per_m": [1.35, 1.0, 1.0],
            "price_output_per_m": [5.40, 4.0, 4.0],
            "tok_s_user": [50.0, 1000.0, 50.0],
            "date": ["2026-11-01"] * 3,
            "source": ["test"] * 3,
        }
    )
    out = C.provider_margins(pts, providers, pricing=Pricing.dashboard("v0"), views=["costh"])
    fast = out.filter(pl.col("provider") == "fast").row(0, named=True)
    assert fast["status"] == "estimated" and fast["config"] is not None
    assert fast["margin_input"] == pytest.approx(1 - fast["cost_input_per_m"] / 1.35)
    assert fast["margin_output"] == pytest.approx(1 - fast["cost_output_per_m"] / 5.40)
    # the cheapest config at 50 tok/s/user is the MTP one (highest throughput there)
    assert "mtp" in fast["config"]
    slow = out.filter(pl.col("provider") == "slow").row(0, named=True)
    assert slow["status"].startswith("unreachable") and slow["margin_input"] is None
    other = out.filter(pl.col("provider") == "other").row(0, named=True)
    assert other["status"] == "no benchmark data for this model"


def test_ratio_words_on_unreachable():
    assert C.ratio_words(None, 1.0, "fp4", "fp8")["text"] == "not comparable: fp4 unreachable here"
    both = C.ratio_words(None, None, "MTP off", "MTP on", "at 90 tok/s/user")["text"]
    assert both == "not comparable: both unreachable at 90 tok/s/user"


def test_read_provider_table(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text(
        "provider,model,price_input_per_m,price_output_per_m,tok_s_user,date,source\na,M,1.35,5.40,36,2026-01-01,page\n"
    )
    t = C.read_provider_table(f)
    assert t["price_output_per_m"][0] == 5.40
    (tmp_path / "bad.csv").write_text("provider,model\na,M\n")
    with pytest.raises(ValueError, match="lacks column"):
        C.read_provider_table(tmp_path / "bad.csv")


# ---------------------------------------------------------------------------------------------------------------
# like for like: never a pair of different models or ISL/OSL (the bundled sample holds four models, two ISL/OSL)


@pytest.fixture(scope="module")
def sample_points():
    from frontier import paths
    from frontier.data.load import load

    return load(paths.SAMPLE_DIR).points


def _workload_of(iso):
    return {r["label"]: (r["model"], r["isl"], r["osl"]) for r in iso.configs.iter_rows(named=True)}


def _assert_sides_in_row_workload(iso, row, cost_metric="cost_total_costh"):
    """Each side's config and cost of a cross-silicon row is a config of the row's own model and ISL/OSL (the
    config label names only what the model and ISL/OSL columns do not)."""
    from frontier.data.labels import LABEL_PARTS, config_label_expr

    parts = [p for p in LABEL_PARTS if p not in ("model", "isl", "osl")]
    t = iso.table.with_columns(short=config_label_expr(iso.configs, parts))
    isl, osl = (int(x) for x in row["ISL/OSL"].split("/"))
    for cfg, cost in ((row["best A config"], row["cost A $/M"]), (row["best B config"], row["cost B $/M"])):
        assert row["model"] not in cfg and "/" not in cfg  # model and ISL/OSL are lifted out of the label
        same = t.filter(
            (pl.col("model") == row["model"])
            & (pl.col("isl") == isl)
            & (pl.col("osl") == osl)
            & (pl.col("target") == row["target tok/s/user"])
            & (pl.col("short") == cfg)
            & (pl.col(cost_metric) == cost)
        )
        assert same.height == 1, (row, cfg)


def test_cross_silicon_holds_the_model_fixed_on_the_sample(sample_points):
    pc = C.precision_comparison(
        sample_points.filter(pl.col("isl") == 1024), [30, 50, 90], pricing=Pricing.dashboard("v0")
    )
    cross = C.cross_silicon_table(pc.iso, ["b200/fp4 vs h200/fp8", "b200/fp4 vs b200/int4"], "cost_total_costh")
    compared = cross.filter(pl.col("ratio").is_not_null())
    assert compared.height > 0
    for r in compared.iter_rows(named=True):
        # both sides belong to the model named on the row (the old table paired gpt-oss with Kimi: "53.55×")
        _assert_sides_in_row_workload(pc.iso, r)
        assert r["ISL/OSL"] == "1024/1024"
    # gpt-oss has FP4 only: no H200 FP8 partner, said so rather than matched to another model
    gpt = cross.filter(pl.col("model").str.starts_with("gpt-oss") & (pl.col("B") == "h200/fp8"))
    assert gpt.height == 3 and gpt["ratio"].null_count() == 3
    assert all(t.startswith("no like-for-like partner: no h200/fp8 config for gpt-oss") for t in gpt["comparison"])
    # Kimi's b200 fp4 vs int4 is a real like-for-like comparison
    kimi = cross.filter(pl.col("model").str.starts_with("Kimi") & (pl.col("B") == "b200/int4"))
    assert kimi["ratio"].null_count() < kimi.height


def test_pairs_never_mix_models_or_sequence_lengths_on_the_sample(sample_points):
    for pc in (
        C.mtp_comparison(sample_points, [30, 50], pricing=Pricing.dashboard("v0")),
        C.precision_comparison(sample_points, [30, 50], pricing=Pricing.dashboard("v0")),
    ):
        workload = _workload_of(pc.iso)
        assert pc.pairs.height > 0
        for r in pc.pairs.iter_rows(named=True):
            assert workload[r["label_a"]] == workload[r["label_b"]]
        for r in pc.at_targets.iter_rows(named=True):
            assert workload[r["label_a"]] == workload[r["label_b"]]
        assert pc.unpaired is not None
        assert all(reason.startswith("no like-for-like partner") for reason in pc.unpaired["reason"])
    # both ISL/OSL are loaded together, yet no pair joins 1k/1k with 8k/1k
    assert {(w[1], w[2]) for w in workload.values()} == {(1024, 1024), (8192, 1024)}


def test_explicit_pairs_across_models_are_refused(sample_points):
    pc = C.precision_comparison(sample_points.filter(pl.col("isl") == 1024), [50], pricing=Pricing.dashboard("v0"))
    cfg = pc.iso.configs
    gpt = cfg.filter(pl.col("model").str.starts_with("gpt-oss") & (pl.col("hardware") == "b200")).row(0, named=True)
    kimi = cfg.filter(pl.col("model").str.starts_with("Kimi") & (pl.col("hardware") == "b200")).row(0, named=True)
    with pytest.raises(ValueError, match="no like-for-like partner"):
        C.cross_pairs(pc.iso, {"label": gpt["label"]}, {"label": kimi["label"]})
    forged = pl.DataFrame(
        {
            "curve_id_a": [gpt["curve_id"]],
            "curve_id_b": [kimi["curve_id"]],
            "label_a": [gpt["label"]],
            "label_b": [kimi["label"]],
        }
    )
    with pytest.raises(ValueError, match="mix models"):
        C.compare_pairs(pc.iso, forged, cost_metric="cost_total_costh")
    with pytest.raises(ValueError, match="never differ"):
        C.config_pairs(cfg, "model")


def test_mtp_without_a_no_mtp_partner_is_reported(pts):
    lonely = pl.DataFrame(_curve("gb200", "fp8", "mtp", 0.9))  # no gb200 run without MTP
    m = C.mtp_comparison(pl.concat([pts, lonely]), [50], pricing=Pricing.dashboard("v0"))
    assert m.unpaired.height == 1 and "mtp" in m.unpaired["config"][0].split(" · ")
    assert "no like-for-like partner" in C.unpaired_note(m, "MTP vs no MTP")
    row = {"model": "M", "isl": 1024, "osl": 1024}  # the model and ISL/OSL said once, whatever the label holds
    assert C._unpaired_name(row | {"config": "M · 1024/1024 · b200"}) == "M · 1024/1024 · b200"
    assert C._unpaired_name(row | {"config": "1024/1024 · b200"}) == "M · 1024/1024 · b200"
    assert C._unpaired_name(row | {"config": "b200"}).startswith("b200 (")


def test_real_sweeps_never_pair_across_models():
    from frontier.data.load import load

    from .conftest import MANTILE_RAW, need

    pts = load([need(MANTILE_RAW)], cache=False).points
    assert pts["model"].n_unique() > 1 and pts.select("isl", "osl").n_unique() > 1
    pricing = Pricing.dashboard("v1")
    for pc in (
        C.mtp_comparison(pts, [30, 60], pricing=pricing),
        C.precision_comparison(pts, [30, 60], pricing=pricing),
    ):
        workload = _workload_of(pc.iso)
        for r in pc.at_targets.iter_rows(named=True):
            assert workload[r["label_a"]] == workload[r["label_b"]]
    cross = C.cross_silicon_table(pc.iso, ["b200/fp4 vs h200/fp8", "gb200/fp4 vs b200/fp4"], "cost_total_costh")
    both = cross.filter(pl.col("best A config").is_not_null() & pl.col("best B config").is_not_null())
    assert both.height > 0
    for r in both.iter_rows(named=True):
        _assert_sides_in_row_workload(pc.iso, r)


# ---------------------------------------------------------------------------------------------------------------
# provider margins: restricted to what the provider runs, blended at a token mix, OpenRouter exports


def _provider(**kw):
    row = {
        "provider": "p",
        "model": "M",
        "price_input_per_m": 1.35,
        "price_output_per_m": 5.40,
        "tok_s_user": 50.0,
        "date": "2026-11-01",
        "source": "test",
    }
    row.update(kw)
    return pl.DataFrame([row], schema_overrides={"isl": pl.Int64, "osl": pl.Int64})


def test_margins_are_restricted_to_what_the_provider_runs(pts):
    any_cfg = C.provider_margins(pts, _provider(), pricing=Pricing.dashboard("v0"), views=["costh"]).row(0, named=True)
    assert any_cfg["config"] == "M 1024/1024 · b200 · trt · fp4 · mtp · agg" and any_cfg["restricted_to"] == ""
    h200 = C.provider_margins(
        pts, _provider(hardware="h200", precision="fp8"), pricing=Pricing.dashboard("v0"), views=["costh"]
    ).row(0, named=True)
    assert h200["config"] == "M 1024/1024 · h200 · trt · fp8 · no spec · agg"
    assert h200["restricted_to"] == "hardware h200, precision fp8"
    assert h200["margin_output"] < any_cfg["margin_output"]  # dearer hardware, thinner margin
    # the analysis' own filters apply to every row; nothing matching is said, not widened
    none = C.provider_margins(
        pts, _provider(), pricing=Pricing.dashboard("v0"), views=["costh"], restrict={"hardware": ["mi355x"]}
    ).row(0, named=True)
    assert none["status"].startswith("no benchmarked config of this model matches") and none["config"] is None


def test_blended_margin_at_the_benchmark_mix_and_a_stated_mix(pts):
    m = C.provider_margins(pts, _provider(), pricing=Pricing.dashboard("v0"), views=["costh"]).row(0, named=True)
    assert m["token_mix"] == "1024:1024" and m["price_blended_per_m"] == pytest.approx((1.35 + 5.40) / 2)
    assert m["margin_blended"] == pytest.approx(1 - m["cost_total_per_m"] / ((1.35 + 5.40) / 2))
    m3 = C.provider_margins(pts, _provider(), pricing=Pricing.dashboard("v0"), views=["costh"], mix=(3, 1)).row(
        0, named=True
    )
    assert m3["token_mix"] == "3:1" and m3["price_blended_per_m"] == pytest.approx((3 * 1.35 + 5.40) / 4)
    assert m3["cost_total_per_m"] == m["cost_total_per_m"]  # the cost is the benchmark's, only the price blends
    assert any(
        "cost is measured at the benchmark" in n
        for n in C.margin_caveats(
            C.provider_margins(pts, _provider(), pricing=Pricing.dashboard("v0"), views=["costh"], mix=(3, 1))
        )
    )


def test_negative_per_token_margin_beside_a_positive_blended_one_is_explained(pts):
    ref = C.provider_margins(pts, _provider(), pricing=Pricing.dashboard("v0"), views=["costh"]).row(0, named=True)
    cheap_input = ref["cost_input_per_m"] / 2  # below the all-GPU-time-on-input cost: that margin goes negative
    m = C.provider_margins(
        pts, _provider(price_input_per_m=cheap_input), pricing=Pricing.dashboard("v0"), views=["costh"]
    )
    r = m.row(0, named=True)
    assert r["margin_input"] < 0 < r["margin_blended"]
    view = C.margins_view(m)
    # the per-token-type margins charge all GPU time to one token type: kept in the data, never shown
    assert {C.MARGIN_BLENDED, "token mix in:out"} <= set(view.columns)
    assert not {C.MARGIN_IN, C.MARGIN_OUT, "cost in $/M", "cost out $/M"} & set(view.columns)
    assert any("Margins per token type are not shown" in n for n in C.margin_caveats(m))


def test_example_providers_run_only_on_the_synthetic_sample(tmp_path):
    from frontier.data.load import load

    sample = load(paths.SAMPLE_DIR).points
    for given in ("", C.EXAMPLE_PROVIDERS):
        ch = C.provider_table_choice(given, sample)
        assert ch.illustrative and ch.path == (paths.ROOT / C.EXAMPLE_PROVIDERS).resolve() and ch.message == ""
        real = sample.with_columns(synthetic=pl.lit(False))
        ch = C.provider_table_choice(given, real)
        assert ch.path is None and not ch.illustrative
        assert "no margin is estimated" in ch.message and "price_input_per_m" in ch.message
    mixed = pl.concat([sample.head(3), sample.head(3).with_columns(synthetic=pl.lit(False))])
    assert C.provider_table_choice("", mixed).path is None  # measured rows among them: no made-up prices
    own = tmp_path / "mine.csv"
    own.write_text(C.PROVIDER_EXAMPLE_CSV)
    ch = C.provider_table_choice(str(own), sample.with_columns(synthetic=pl.lit(False)))
    assert ch.path == own and not ch.illustrative
    ex = C.read_provider_table(own)  # the example line is a valid provider table
    assert ex.height == 1 and C.provider_example().columns == ex.columns[: C.provider_example().width]


def test_margins_never_mix_sequence_lengths(pts):
    eight_k = pts.with_columns(isl=pl.lit(8192, dtype=pts["isl"].dtype), tput_per_gpu=pl.col("tput_per_gpu") * 3)
    m = C.provider_margins(pl.concat([pts, eight_k]), _provider(), pricing=Pricing.dashboard("v0"), views=["costh"])
    assert sorted(m["isl"].to_list()) == [1024, 8192]  # one estimate per ISL/OSL, each named in its config
    assert all(c.startswith(f"M {i}/1024 ") for c, i in zip(m["config"], m["isl"]))
    assert m.filter(pl.col("isl") == 1024)["token_mix"][0] == "1024:1024"
    assert m.filter(pl.col("isl") == 8192)["token_mix"][0] == "8192:1024"


def test_read_provider_table_optional_run_columns(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text(
        "provider,model,price_input_per_m,price_output_per_m,tok_s_user,date,source,hardware,engine,disagg,isl\n"
        "a,M,1.35,5.40,36,2026-01-01,page,H200,dynamo-trt,disagg,1024\n"
        "b,M,1.00,4.00,40,2026-01-01,page,,,,\n"
    )
    t = C.read_provider_table(f)
    a, b = t.row(0, named=True), t.row(1, named=True)
    assert (a["hardware"], a["framework"], a["disagg"], a["isl"]) == ("h200", "dynamo-trt", True, 1024)
    assert (b["hardware"], b["framework"], b["disagg"], b["isl"]) == (None, None, None, None)
    (tmp_path / "bad.csv").write_text(
        "provider,model,price_input_per_m,price_output_per_m,tok_s_user,date,source,"
        "disagg\na,M,1,2,3,2026-01-01,s,sometimes\n"
    )
    with pytest.raises(ValueError, match="disagg"):
        C.read_provider_table(tmp_path / "bad.csv")


OPENROUTER_CSV = (
    "model_slug,provider_name,pricing_prompt,pricing_completion,stats_p50_latency,stats_p50_throughput\n"
    "openai/gpt-oss-120b,Alpha,1.5e-07,6e-07,300,80\n"
    "openai/gpt-oss-120b,Alpha,3.9e-08,1.9e-07,290,42\n"
    "someone/other-model,Beta,1e-07,2e-07,100,55.5\n"
)


def test_openrouter_export_is_read_in_one_step(tmp_path):
    f = tmp_path / "providers_20260424_120000.csv"
    f.write_text(OPENROUTER_CSV)
    t = C.read_provider_table(f)  # detected by its columns
    assert t["provider"].to_list() == ["Alpha", "Alpha #2", "Beta"]
    assert t["model"].to_list() == ["gpt-oss-120b", "gpt-oss-120b", "other-model"]
    assert t["price_input_per_m"].to_list() == pytest.approx([0.15, 0.039, 0.1])
    assert t["price_output_per_m"].to_list() == pytest.approx([0.6, 0.19, 0.2])
    assert t["tok_s_user"].to_list() == [80.0, 42.0, 55.5] and set(t["date"]) == {"2026-04-24"}
    assert "OpenRouter" in t["source"][0] and t["p50_latency_ms"][0] == 300
    undated = tmp_path / "providers.csv"
    undated.write_text(OPENROUTER_CSV)
    with pytest.raises(ValueError, match="date"):
        C.read_openrouter(undated)
    assert C.read_openrouter(undated, date="2026-05-01")["date"][0] == "2026-05-01"


def test_public_openrouter_export_prices_gpt_oss(sample_points):
    from frontier import paths

    from .conftest import need

    f = need(
        paths.SHARED_DATA
        / "inferencex"
        / "leoshan__inferencex-scraper"
        / "analysis"
        / "conclusion_20260424_162122__openrouter_gpt-oss-120b_providers.csv"
    )
    t = C.read_provider_table(f)
    assert t.height == 18 and set(t["model"]) == {"gpt-oss-120b"} and set(t["date"]) == {"2026-04-24"}
    groq = t.filter(pl.col("provider") == "Groq").row(0, named=True)
    assert (groq["price_input_per_m"], groq["price_output_per_m"], groq["tok_s_user"]) == pytest.approx(
        (0.15, 0.60, 397.5)
    )
    m = C.provider_margins(sample_points, t, pricing=Pricing.dashboard("v2"), views=["costh"], isl=1024, osl=1024)
    assert m.height == 18 and set(m["status"]) <= {"estimated"} | {s for s in m["status"] if s.startswith("unreach")}
    est = m.filter(pl.col("status") == "estimated")
    assert est.height > 0 and all(c.startswith("gpt-oss-120b (synthetic) 1024/1024") for c in est["config"])


def test_provider_table_is_shown_with_the_margins_headers_not_column_names():
    providers = C.read_provider_table(paths.ROOT / "data" / "raw" / "providers" / "example_providers.csv")
    shown = C.providers_view(providers)
    assert {"price in $/M", "price out $/M", "speed tok/s/user"} <= set(shown.columns)
    assert not {"price_input_per_m", "price_output_per_m", "tok_s_user"} & set(shown.columns)
    assert set(C.PROVIDER_FORMATS) <= set(shown.columns) and "isl" not in shown.columns
    assert shown.height == providers.height


def test_margins_view_words_the_view_shortens_the_config_and_leaves_no_empty_restriction(pts):
    m = C.provider_margins(pts, _provider(), pricing=Pricing.dashboard("v0"), views=["costh"])
    row = C.margins_view(m).row(0, named=True)
    assert row["view"] == "owning at hyperscaler volume"
    # model and ISL/OSL have their own columns; the config names the rest
    assert (
        row["cheapest config at that speed"] == "b200 · trt · fp4 · mtp · agg"
        and row["benchmark ISL/OSL"] == "1024/1024"
    )
    assert row["restricted to"] is None  # nothing stated: shown as a null marker, never an empty cell


def test_cross_silicon_pairs_like_for_like_unless_asked(sample_points):
    """Across silicon the two configs of a row share speculative decoding and serving mode, and the engine where the
    GPUs share one (only GPU and the asked precision differ); best of each, on request, mixes set-ups."""
    pc = C.precision_comparison(sample_points.filter(pl.col("isl") == 1024), [40, 60], pricing=Pricing.dashboard("v0"))
    like = C.cross_silicon_table(pc.iso, ["b200/fp4 vs h200/fp8"], "cost_total_costh")
    both = like.filter(pl.col("best A config").is_not_null() & pl.col("best B config").is_not_null())
    assert both.height > 0
    for r in both.iter_rows(named=True):
        _assert_sides_in_row_workload(pc.iso, r)
        a, b = r["best A config"].split(" · "), r["best B config"].split(" · ")
        assert a[0] == "b200" and b[0] == "h200" and a[3:] == b[3:], (a, b)  # same spec decoding and serving
        # the same engine where the two GPUs share one (the sample's Llama has B200 on TRT, H200 on vLLM only)
        assert a[1] == b[1] or not r["model"].startswith("DeepSeek"), (a, b)
    best = C.cross_silicon_table(pc.iso, ["b200/fp4 vs h200/fp8"], "cost_total_costh", match="best-of-each")
    mixed = [
        r
        for r in best.filter(pl.col("ratio").is_not_null()).iter_rows(named=True)
        if r["best A config"].split(" · ")[1:] != r["best B config"].split(" · ")[1:]
    ]
    assert mixed, "best of each mixes set-ups somewhere on the sample"
    with pytest.raises(ValueError, match="match"):
        C.cross_silicon_table(pc.iso, ["b200/fp4 vs h200/fp8"], "cost_total_costh", match="best")


def test_paired_points_prefer_pairs_whose_frontiers_overlap():
    # b200 MTP vs no MTP overlap in interactivity (reach 1.0 and 1.2); h200's MTP curve sits far above its no-MTP one
    # (12–150 vs 246–3,000 tok/s/user): targets should come from the b200 pair only
    b200 = _curve("b200", "fp4", "none", 1.0) + _curve("b200", "fp4", "mtp", 1.0, reach=1.2)
    h200 = _curve("h200", "fp8", "none", 0.5) + _curve("h200", "fp8", "mtp", 0.5, reach=20.0)
    got = C.mtp_paired_points(pl.DataFrame(b200 + h200))
    assert got["hardware"].unique().to_list() == ["b200"] and got["spec_method"].n_unique() == 2
    # no pair overlaps: every paired curve stays (the notebook then says the targets cannot price both)
    alone = C.mtp_paired_points(pl.DataFrame(h200))
    assert alone.height == len(h200)


def test_margins_headline_says_illustrative_or_why_nothing_is_estimated(sample_points):
    ch = C.provider_table_choice("", sample_points)
    m = C.provider_margins(
        sample_points, C.read_provider_table(ch.path), pricing=Pricing.dashboard("v0"), views=["costh"]
    )
    head = C.margins_headline(m, ch)
    est = m.filter(pl.col("status") == "estimated")["margin_blended"]
    assert head[0].startswith("Illustrative (made-up prices") and f"{est.min():.0%} to {est.max():.0%}" in head[0]
    none = C.provider_table_choice("", sample_points.with_columns(synthetic=pl.lit(False)))
    assert C.margins_headline(None, none)[0].startswith("No margin estimated")
