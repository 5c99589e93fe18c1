"""Published claims as data: each is recomputed under its own reading and the reading that matches is named."""

from __future__ import annotations

import yaml

from frontier import paths
from frontier.analysis import claims, migration


def _blackwell():
    spec = yaml.safe_load((paths.ROOT / "params" / "blackwell_migration.yaml").read_text())["parameters"]
    sources = migration.pricings("", "", spec["prices"], spec["prices_label"], spec["prices_as_of"], "")
    stated = next(s for s in sources if s.label.startswith(spec["prices_label"]))
    return spec, stated


def test_blackwell_params_carry_the_price_date_and_the_spot_claim():
    spec, stated = _blackwell()
    assert spec["prices_as_of"] == "2026-05-22" and "2026-05-22" in stated.label  # no longer "undated"
    assert any("8×" in c["text"] and c["view"] == "spot" for c in spec["published"]["claims"])


def test_spot_claim_does_not_reproduce_and_the_matching_reading_is_named():
    spec, stated = _blackwell()
    checked = claims.check_claims(spec["published"], stated, date=spec["prices_as_of"])
    by_claim = {r["claim"]: r for r in checked.iter_rows(named=True)}
    on_demand = by_claim["~2.9× cheaper on demand"]
    assert on_demand["verdict"] == claims.REPRODUCES and abs(on_demand["recomputed"] - 2.92) < 0.01
    spot = by_claim["~8× on spot"]
    # spot vs spot: (1.66 / 1500) ÷ (2.12 / 10000) = 5.22×; the printed 8 is H100 on demand vs B200 spot (8.30×)
    assert spot["verdict"] == claims.DOES_NOT and abs(spot["recomputed"] - 5.22) < 0.01
    assert spot["matching_reading"] == "h100 on_demand ÷ b200 spot = 8.30×"
    assert spot["date"] == "2026-05-22"
    sentence = claims.claims_sentence(checked)
    assert sentence is not None and sentence.startswith("1 of 2 published claims reproduces")
    assert "5.22×" in sentence and "8.30×" in sentence
