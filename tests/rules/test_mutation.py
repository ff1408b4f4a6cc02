"""The mutation harness (benchmarks/mutation.py): faults planted in the seeds are found."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _harness():
    spec = importlib.util.spec_from_file_location("mutation", ROOT / "benchmarks" / "mutation.py")
    mod = importlib.util.module_from_spec(spec)
    import sys
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def test_recall_per_fault_kind_at_least_90_percent():
    harness = _harness()
    totals = harness.run(verbose=True)
    print("\n" + harness.table(totals))
    for kind, (found, planted) in totals.items():
        assert planted >= 2, f"too few {kind} faults planted to measure recall"
        assert found >= 0.9 * planted, f"{kind}: {found}/{planted}"


def test_a_mutation_changes_exactly_one_place():
    harness = _harness()
    from wardaudit.project.config import load_params
    params = load_params(ROOT / "parameters" / "trung-thanh.yaml")
    src = next((ROOT / "data" / "raw" / "trung-thanh").iterdir())
    original = src.read_text(encoding="utf-8").splitlines()
    for m in harness.mutations(src, params):
        changed = [i for i, (a, b) in enumerate(zip(original, m.text.splitlines(), strict=False), 1) if a != b]
        if m.kind != "appendix_row":
            assert changed == [m.line], (m.kind, m.line, changed)
