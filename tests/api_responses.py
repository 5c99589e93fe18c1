"""Public-API responses made by code, shaped field for field like the InferenceX API's (nested ``metrics``,
``date``, ``run_url``, the split topology fields), for tests that need a realistic answer on every clone.

The numbers are synthetic (a smooth throughput/interactivity trade-off per config), not measurements: two
DeepSeek-R1 configs at 1024/1024, six concurrencies each, on two dates; one availability row per config and date;
two evaluation rows.
"""

from __future__ import annotations

import json

MODEL_KEY = "dsr1"  # the API's model key for DeepSeek-R1-0528
DATES = ("2026-01-05", "2026-01-12")
CONCURRENCIES = (4, 8, 16, 32, 64, 128)
#: (hardware, framework, precision, GPUs, peak tok/s/GPU, tok/s/user at low load)
CONFIGS = (
    ("b200", "sglang", "fp4", 8, 9000.0, 110.0),
    ("h200", "sglang", "fp8", 8, 4200.0, 80.0),
)


def api_topology(hardware: str, framework: str, precision: str, gpus: int) -> dict:
    """An API row's config and topology fields: single node, ``gpus`` GPUs, no speculative decoding."""
    return {
        "hardware": hardware,
        "framework": framework,
        "model": MODEL_KEY,
        "precision": precision,
        "spec_method": "none",
        "disagg": False,
        "is_multinode": False,
        "prefill_tp": gpus,
        "prefill_ep": 1,
        "prefill_dp_attention": False,
        "prefill_num_workers": 0,
        "decode_tp": gpus,
        "decode_ep": 1,
        "decode_dp_attention": False,
        "decode_num_workers": 0,
        "num_prefill_gpu": gpus,
        "num_decode_gpu": gpus,
    }


def _metrics(conc: int, peak: float, speed: float, day: int) -> dict:
    """A point on a smooth trade-off: interactivity falls and throughput rises with concurrency (seconds)."""
    intvty = speed / (1.0 + conc / 24.0) * (1.0 + 0.02 * day)
    tput = peak * conc / (conc + 48.0) * (1.0 + 0.02 * day)
    tpot = 1.0 / intvty
    ttft = 0.05 + conc * 0.004
    e2el = ttft + 1024 * tpot
    return {
        "tput_per_gpu": tput,
        "input_tput_per_gpu": tput / 2,
        "output_tput_per_gpu": tput / 2,
        "median_intvty": intvty,
        "p99_intvty": intvty * 0.9,
        "median_tpot": tpot,
        "p99_tpot": tpot * 1.1,
        "median_itl": tpot,
        "p99_itl": tpot * 1.2,
        "median_ttft": ttft,
        "p99_ttft": ttft * 2.5,
        "median_e2el": e2el,
        "p99_e2el": e2el * 1.15,
    }


def benchmark_rows(dates: tuple[str, ...] = DATES) -> list[dict]:
    """``benchmarks`` / ``benchmarks/history`` rows: every config × concurrency on each date."""
    rows = []
    for day, date in enumerate(dates):
        for n, (hw, fw, prec, gpus, peak, speed) in enumerate(CONFIGS):
            for conc in CONCURRENCIES:
                rows.append(
                    {
                        **api_topology(hw, fw, prec, gpus),
                        "isl": 1024,
                        "osl": 1024,
                        "conc": conc,
                        "image": f"lmsysorg/sglang:v0.5.{day}",
                        "workers": None,
                        "date": date,
                        "run_url": f"https://github.com/SemiAnalysisAI/InferenceX/actions/runs/{9000 + 10 * day + n}"
                        "/attempts/1",
                        "metrics": _metrics(conc, peak, speed, day),
                    }
                )
    return rows


def availability_rows() -> list[dict]:
    return [
        {
            "model": MODEL_KEY,
            "isl": 1024,
            "osl": 1024,
            "precision": prec,
            "hardware": hw,
            "framework": fw,
            "spec_method": "none",
            "disagg": False,
            "date": date,
        }
        for date in DATES
        for hw, fw, prec, *_ in CONFIGS
    ]


def evaluation_rows() -> list[dict]:
    return [
        {
            "id": str(100 + n),
            "config_id": n,
            **api_topology(hw, fw, prec, gpus),
            "task": "gsm8k",
            "date": DATES[-1],
            "conc": 64,
            "metrics": {"n_eff": 1319, "em_strict": 0.95 - 0.01 * n, "em_strict_se": 0.006},
            "timestamp": f"{DATES[-1]}T04:00:00Z",
            "run_url": f"https://github.com/SemiAnalysisAI/InferenceX/actions/runs/{9100 + n}",
        }
        for n, (hw, fw, prec, gpus, *_) in enumerate(CONFIGS)
    ]


def routes() -> dict[str, bytes]:
    """Response bodies by API route, as :class:`tests.api_server.FixtureAPIServer` serves them."""
    bodies = {
        "benchmarks": benchmark_rows(DATES[-1:]),
        "benchmarks/history": benchmark_rows(),
        "availability": availability_rows(),
        "evaluations": evaluation_rows(),
    }
    return {route: json.dumps(rows).encode() for route, rows in bodies.items()}
