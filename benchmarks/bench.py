"""The batch benchmark (`make bench`): one synthetic corpus, every measurement in one run.

Measures, on benchmarks/corpus/ (made by benchmarks/synth.py, a project of its own):

1. the naive loop: per ward the `papermill` CLI, then the `jupyter nbconvert --to html` CLI;
2. `wardaudit run --all --jobs 1` and `--jobs <cores>`, cold (no outputs);
3. the warm re-run (nothing changed), then the re-run after saving the ward notebook (re-rendered,
   not re-audited: the wards whose stored audit was rewritten are counted);
4. `wardaudit check` alone per ward (the floor: reading and checking, no notebook);
5. peak memory per worker (VmHWM of the worker processes and their notebook kernels, sampled
   from /proc; RUSAGE_CHILDREN as a cross-check);
6. projected time for 100 and 3,321 wards on this machine and per added worker;
7. where one ward's time goes at one job (phases.py: the ward notebook on a warm kernel, cold
   cache, timed per phase), and the machine's load average around each run (other processes on
   the same cores inflate every number; the ratios are from the same run).

Prints a markdown table with PASS/MISS against the targets (ratios measured in this same run) and
writes benchmarks/RESULTS.md.

    python benchmarks/bench.py [--wards 30]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = REPO / "benchmarks" / "RESULTS.md"


# --- machine ------------------------------------------------------------------------------------

def machine() -> dict:
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count() or 1, "memory_gib": round(mem_kb / 1024 / 1024, 1), "cpu": cpu,
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}"}


# --- memory sampling ----------------------------------------------------------------------------

def _proc_children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(ppid, []).append(int(d.name))
    return tree


def _status(pid: int) -> dict[str, str]:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            k, _, v = line.partition(":")
            out[k] = v.strip()
    except OSError:
        pass
    return out


class MemorySampler:
    """Max VmHWM (peak resident set) per descendant process of ``root_pid``, by role."""

    def __init__(self, root_pid: int, interval: float = 0.1):
        self.root, self.interval = root_pid, interval
        self.peak_kb: dict[int, int] = {}
        self.role: dict[int, str] = {}
        self.parent: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            tree = _proc_children()
            todo = [(self.root, 0)]
            while todo:
                pid, parent = todo.pop()
                st = _status(pid)
                if st.get("VmHWM"):
                    self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), int(st["VmHWM"].split()[0]))
                    if pid not in self.role:
                        try:
                            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
                            cmd = raw.replace(b"\0", b" ").decode(errors="replace")
                        except OSError:
                            cmd = ""
                        self.role[pid] = ("kernel" if "ipykernel" in cmd else
                                          "worker" if "multiprocessing" in cmd else
                                          "batch" if pid == self.root else "other")
                        self.parent[pid] = parent
                todo.extend((c, pid) for c in tree.get(pid, []))
            self._stop.wait(self.interval)

    def summary(self) -> dict:
        def mb(kb: int) -> float:
            return round(kb / 1024, 1)
        by_role: dict[str, int] = {}
        for pid, kb in self.peak_kb.items():
            by_role[self.role[pid]] = max(by_role.get(self.role[pid], 0), kb)
        # a worker together with the kernels it started: what one more worker costs
        per_worker = 0
        for pid, kb in self.peak_kb.items():
            if self.role[pid] == "worker":
                kernels = [k for k, p in self.parent.items() if p == pid and self.role[k] == "kernel"]
                per_worker = max(per_worker, kb + max((self.peak_kb[k] for k in kernels), default=0))
        return {"worker_mb": mb(by_role.get("worker", 0)), "kernel_mb": mb(by_role.get("kernel", 0)),
                "batch_mb": mb(by_role.get("batch", 0)), "worker_plus_kernel_mb": mb(per_worker)}


# --- runs ---------------------------------------------------------------------------------------

def run(cmd: list[str], env: dict, cwd: Path, sample: bool = False) -> tuple[float, int, dict | None]:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    mem = None
    if sample:
        with MemorySampler(proc.pid) as sampler:
            out, _ = proc.communicate()
        mem = sampler.summary()
    else:
        out, _ = proc.communicate()
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.stderr.write(out.decode(errors="replace")[-2000:])
    return seconds, proc.returncode, mem


def clean(corpus: Path) -> None:
    for d in (corpus / "data" / "processed", corpus / "reports"):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)


def manifest(corpus: Path) -> dict:
    return json.loads((corpus / "reports" / "batch.json").read_text(encoding="utf-8"))


def wards_of(corpus: Path) -> list[str]:
    return sorted(p.stem for p in (corpus / "parameters").glob("*.yaml"))


def bench(n_wards: int) -> dict:
    info = machine()
    cores = info["cores"]
    corpus = synth.DEFAULT_OUT
    synth.make_corpus(n_wards, corpus)
    slugs = wards_of(corpus)
    env = {**os.environ, "WARDAUDIT_ROOT": str(corpus), "PYTHONWARNINGS": "ignore"}
    wardaudit = str(BIN / "wardaudit")
    r: dict = {"machine": info, "wards": len(slugs), "load_before": os.getloadavg()}
    print(f"corpus: {len(slugs)} synthetic wards in {corpus} · {cores} cores · {info['memory_gib']} GiB",
          file=sys.stderr)

    # (4) the floor: `wardaudit check` per report, sequentially
    clean(corpus)
    t = 0.0
    for slug in slugs:
        for f in sorted((corpus / "data" / "raw" / slug).iterdir()):
            s, _, _ = run([wardaudit, "check", str(f), "--params", str(corpus / "parameters" / f"{slug}.yaml"),
                           "--format", "json"], env, corpus)
            t += s
    r["check_total"] = t
    print(f"check floor: {t:.1f}s", file=sys.stderr)

    # (1) the naive loop: papermill CLI then nbconvert CLI, one ward after another
    clean(corpus)
    naive_out = corpus / "naive"
    shutil.rmtree(naive_out, ignore_errors=True)
    naive_out.mkdir()
    t = 0.0
    naive_failed = 0
    for slug in slugs:
        nb = naive_out / f"{slug}.ipynb"
        s1, rc1, _ = run([str(BIN / "papermill"), str(corpus / "notebooks" / "ward_audit.ipynb"), str(nb),
                          "-p", "ward", slug, "-k", "python3", "--cwd", str(corpus / "notebooks"),
                          "--no-progress-bar"], env, corpus)
        s2, rc2, _ = run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb),
                          "--output-dir", str(naive_out)], env, corpus)
        naive_failed += bool(rc1 or rc2)
        t += s1 + s2
    r["naive_total"], r["naive_failed"] = t, naive_failed
    print(f"naive loop: {t:.1f}s ({naive_failed} failed)", file=sys.stderr)
    shutil.rmtree(naive_out, ignore_errors=True)

    # (2) cold runs at one job and at every core; (5) memory sampled during the latter
    for jobs in (1, cores):
        clean(corpus)
        s, rc, mem = run([wardaudit, "run", "--all", "--jobs", str(jobs), "--quiet"], env, corpus,
                         sample=(jobs == cores))
        m = manifest(corpus)
        r[f"cold{jobs}_total"], r[f"cold{jobs}_wards"] = s, m["seconds"]
        r[f"cold{jobs}_status"] = m["totals"]
        steps: dict[str, float] = {}
        for w in m["wards"]:
            for k, v in (w.get("phases") or {}).items():
                steps[k] = steps.get(k, 0.0) + v
        r[f"cold{jobs}_steps"] = {k: round(v, 2) for k, v in sorted(steps.items(), key=lambda kv: -kv[1])}
        secs = sorted(w["seconds"] for w in m["wards"] if w.get("seconds") is not None)
        pdf = [w["seconds"] for w in m["wards"] if w["slug"].startswith("pdf-") and w.get("seconds")]
        r[f"cold{jobs}_ward_seconds"] = {"median": secs[len(secs) // 2] if secs else None,
                                         "max": secs[-1] if secs else None, "sum": round(sum(secs), 1),
                                         "pdf_mean": round(sum(pdf) / len(pdf), 2) if pdf else None}
        if mem:
            r["memory"] = mem
        print(f"cold --jobs {jobs}: {s:.1f}s (wards phase {m['seconds']:.1f}s) {m['totals']}", file=sys.stderr)

    # (3) warm: nothing changed
    s, rc, _ = run([wardaudit, "run", "--all", "--jobs", str(cores), "--quiet"], env, corpus)
    r["warm_total"], r["warm_status"] = s, manifest(corpus)["totals"]
    print(f"warm: {s:.2f}s {r['warm_status']}", file=sys.stderr)

    # (3b) the auditor's notebook saved in JupyterLab: not what the batch runs, nothing runs again
    nb = corpus / "notebooks" / "ward_audit.ipynb"
    stores = {p: p.stat().st_mtime_ns for p in (corpus / "data" / "processed").glob("*/audit.json")}
    nb.write_text(nb.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    s, rc, _ = run([wardaudit, "run", "--all", "--jobs", str(cores), "--quiet"], env, corpus)
    r["saved_total"], r["saved_status"] = s, manifest(corpus)["totals"]
    r["saved_reaudited"] = sum(p.stat().st_mtime_ns != m for p, m in stores.items() if p.exists())
    print(f"notebook saved: {s:.2f}s {r['saved_status']}, {r['saved_reaudited']} re-audited", file=sys.stderr)

    # (7) where a ward's time goes (one job, warm kernel, cold cache)
    clean(corpus)
    out = subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "phases.py"), str(corpus)],
                         env=env, cwd=corpus, capture_output=True, text=True)
    try:
        r["phases"] = json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        sys.stderr.write(out.stderr[-2000:])
    # (8) a ward's run against the audit of its reports alone (the seeds, one process, one job)
    out = subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "ward_cost.py"), "--repeat", "5"],
                         env={k: v for k, v in env.items() if k != "WARDAUDIT_ROOT"}, capture_output=True, text=True)
    try:
        r["ward_cost"] = json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        sys.stderr.write(out.stderr[-2000:])
    r["load_after"] = os.getloadavg()

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    r["rusage_children_maxrss_mb"] = round(ru.ru_maxrss / 1024, 1)
    return r


# --- report -------------------------------------------------------------------------------------

def _verdict(ok: bool, miss: str) -> str:
    return "PASS" if ok else f"MISS ({miss})"


def _load(avg) -> str:
    return "/".join(f"{x:.2f}" for x in avg) if avg else "?"


def _phases_text(r: dict) -> list[str]:
    ph = r.get("phases")
    if not ph:
        return []
    n = ph["wards"]
    rows = [(name, secs) for name, secs in ph["seconds"].items()]
    total = sum(secs for _, secs in rows)
    lines = ["## Where a ward's time goes", "",
             f"benchmarks/phases.py: the {n} wards one after another in one process on one warm kernel, "
             f"cold cache (as `--jobs 1`); {total:.1f} s in all, {total / n:.2f} s per ward. The kernel start "
             "and the first imports are paid once, by the first ward.", "",
             "| phase | total s | per ward s | share |", "|---|---:|---:|---:|"]
    for name, secs in rows:
        lines.append(f"| {name} | {secs:.2f} | {secs / n:.3f} | {100 * secs / total:.0f}% |")
    return lines + [""]


def _steps_text(r: dict) -> list[str]:
    """The steps of the wards' runs in the cold one-job batch (reports/batch.json phases), as shares."""
    steps = r.get("cold1_steps")
    if not steps:
        return []
    n, total = r["wards"], sum(steps.values())
    lines = ["## The steps of a ward's run, in the batch", "",
             f"reports/batch.json of the cold `--jobs 1` run: each ward's `phases`, summed over the {n} wards "
             f"({total:.1f} s in all, {total / n:.2f} s a ward).", "",
             "| step | total s | per ward s | share |", "|---|---:|---:|---:|"]
    lines += [f"| {k} | {v:.2f} | {v / n:.3f} | {100 * v / total:.0f}% |" for k, v in steps.items()]
    return lines + [""]


def _ward_cost_text(r: dict) -> list[str]:
    """A ward's run against the audit of its reports alone (benchmarks/ward_cost.py)."""
    wc = r.get("ward_cost")
    if not wc:
        return []
    lines = ["## A ward's run against the audit of its reports", "",
             f"benchmarks/ward_cost.py: the four seed wards in one process on one warm kernel, one job; the audit "
             f"alone (`audit_file` on each report, warm) against the ward's whole run as a batch worker does it "
             f"(`run_ward`, forced to audit again), medians of {wc['repeat']} runs. *Charts found*: a weekly "
             "re-run, the charts of unchanged facts found in the ward's store; *cold*: every chart drawn.", "",
             "| ward | audit s | run s (charts found) | ratio | run s (cold) | ratio (cold) "
             "| largest steps (charts found) |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for slug, w in wc["wards"].items():
        top = sorted(w["steps_s"].items(), key=lambda kv: -kv[1])[:3]
        lines.append(f"| {slug} | {w['audit_s']:.3f} | {w['run_s']:.3f} | {w['ratio']:.1f}× | {w['run_cold_s']:.3f} | "
                     f"{w['ratio_cold']:.1f}× | {', '.join(f'{k} {v:.3f}' for k, v in top)} |")
    lines += ["", f"Median ratio: {wc['median_ratio']:.2f}× with the charts found, {wc['median_ratio_cold']:.2f}× cold "
              "(target of issue 25: ≤ 4×).", ""]
    return lines


def _efficiency_note(r: dict, eff: float) -> list[str]:
    """What bounds the parallel efficiency, from this run's own numbers."""
    cores, n = r["machine"]["cores"], r["wards"]
    if cores < 2 or eff >= 0.8:
        return []
    one, par = r["cold1_ward_seconds"], r[f"cold{cores}_ward_seconds"]
    if not one["median"] or not par["median"]:
        return []
    # the start of a worker: outside any ward (pool, fork server imports) plus what the first ward
    # of a worker pays on top of a typical ward (the kernel's start and first imports)
    start1 = r["cold1_wards"] - one["sum"] + (one["max"] - one["median"])
    startp = r[f"cold{cores}_wards"] - par["sum"] / cores + (par["max"] - par["median"])
    ideal = (start1 + n * one["median"]) / (cores * (start1 + n * one["median"] / cores))
    return [f"Parallel efficiency, what bounds it: (1) the start of a worker (pool and imports, then its kernel "
            f"and the kernel's first imports, paid by its first ward) took up to {start1:.1f} s at one job and "
            f"{startp:.1f} s at {cores} (upper bounds: the first wards, longest first, are also the PDF ones), "
            f"against {one['median']} s for a typical ward: with {n} wards, {cores} free cores would give about "
            f"{100 * ideal:.0f}% at best; (2) the same ward took longer "
            f"inside a worker when {cores} ran at once (median {one['median']} s at one job, {par['median']} s "
            f"at {cores}: {100 * (par['median'] / one['median'] - 1):+.0f}%), so the workers did not get a core "
            f"each: the load average before the run ({_load(r.get('load_before'))}) is other work on these "
            "cores.", ""]


def report(r: dict) -> str:
    n, cores = r["wards"], r["machine"]["cores"]
    check = r["check_total"] / n
    naive = r["naive_total"] / n
    one = r["cold1_wards"] / n
    par = r[f"cold{cores}_wards"] / n
    cold = r[f"cold{cores}_total"]
    warm = r["warm_total"]
    portfolio = r[f"cold{cores}_total"] - r[f"cold{cores}_wards"]
    speedup = naive / par
    eff = r["cold1_wards"] / (cores * r[f"cold{cores}_wards"]) if cores > 1 else 1.0
    mem = r.get("memory", {})
    per_worker_mb = mem.get("worker_plus_kernel_mb", 0)
    memory_over = f"{per_worker_mb - 300:.0f} MB over" if per_worker_mb else "not measured"
    wc = r.get("ward_cost")
    cost_rows = []
    if wc:
        ratio, cold_ratio = wc["median_ratio"], wc["median_ratio_cold"]
        cost_rows.append(f"| a ward's run ≤ 4× the audit of its reports (median over the seeds, charts found; "
                         f"cold {cold_ratio:.2f}×) | {ratio:.2f}× | {_verdict(ratio <= 4, f'{ratio / 4:.2f}× over')} |")

    lines = [
        "# Batch benchmark",
        "",
        "Generated by `make bench` (benchmarks/bench.py); every number below comes from one run on one "
        f"synthetic corpus of {n} wards (benchmarks/synth.py: seed reports renamed, counts scaled, "
        "faults planted; a few are the PDF renderings).",
        "",
        f"Machine: {cores} cores ({r['machine']['cpu']}), {r['machine']['memory_gib']} GiB memory, "
        f"{r['machine']['system']}, Python {r['machine']['python']}. Load average (1/5/15 min) before the "
        f"run {_load(r.get('load_before'))}, after it {_load(r.get('load_after'))}: a load above zero "
        "before the run is other work sharing these cores.",
        "",
        "## Measurements",
        "",
        "| run | total s | per ward s | notes |",
        "|---|---:|---:|---|",
        f"| `wardaudit check` per report (floor) | {r['check_total']:.1f} | {check:.2f} | "
        "one CLI process per report, no notebook |",
        f"| naive loop: `papermill` CLI + `jupyter nbconvert --to html` CLI | {r['naive_total']:.1f} | {naive:.2f} | "
        f"{r['naive_failed']} ward(s) failed |",
        f"| `wardaudit run --all --jobs 1`, cold | {r['cold1_total']:.1f} | {one:.2f} | "
        f"wards phase {r['cold1_wards']:.1f} s; {r['cold1_status']} |",
        f"| `wardaudit run --all --jobs {cores}`, cold | {cold:.1f} | {par:.2f} | "
        f"wards phase {r[f'cold{cores}_wards']:.1f} s, portfolio {portfolio:.1f} s; {r[f'cold{cores}_status']} |",
        f"| `wardaudit run --all --jobs {cores}`, warm (nothing changed) | {warm:.2f} | {warm / n:.3f} | "
        f"{r['warm_status']} |",
        f"| `wardaudit run --all --jobs {cores}` after saving the auditor's notebook (no input change) | "
        f"{r['saved_total']:.2f} | {r['saved_total'] / n:.3f} | not what the batch runs: nothing to do; "
        f"wards re-audited: {r['saved_reaudited']} (audit.json rewritten); {r['saved_status']} |",
        "",
        "Time inside the worker per ward (reports/batch.json): "
        + "; ".join(f"--jobs {j}: median {r[f'cold{j}_ward_seconds']['median']} s, max "
                    f"{r[f'cold{j}_ward_seconds']['max']} s, PDF wards {r[f'cold{j}_ward_seconds']['pdf_mean']} s, "
                    f"sum {r[f'cold{j}_ward_seconds']['sum']} s" for j in sorted({1, cores})) + ".",
        "",
        "Per-ward times of the batch runs are the wards phase (reports/batch.json `seconds`) divided by "
        "the ward count; the total adds process start-up and the portfolio (reports/index.html).",
        "",
        f"Peak memory (VmHWM sampled from /proc during the `--jobs {cores}` run): worker process "
        f"{mem.get('worker_mb', 0)} MB, notebook kernel {mem.get('kernel_mb', 0)} MB, a worker with its "
        f"kernel {per_worker_mb} MB, the batch process {mem.get('batch_mb', 0)} MB. "
        f"RUSAGE_CHILDREN max RSS over the whole benchmark: {r['rusage_children_maxrss_mb']} MB.",
        "",
        *_steps_text(r),
        *_ward_cost_text(r),
        *_phases_text(r),
        "## Targets (ratios from this run)",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
        f"| cold full-parallel ≥ 6× faster per ward than the naive loop | {speedup:.2f}× | "
        f"{_verdict(speedup >= 6, f'{6 / speedup:.2f}× short: per ward {par:.2f} s, needs ≤ {naive / 6:.2f} s')} |",
        f"| warm re-run ≤ 5% of cold | {100 * warm / cold:.1f}% ({warm:.2f} s of {cold:.1f} s) | "
        f"{_verdict(warm <= 0.05 * cold, f'{warm / (0.05 * cold):.2f}× over')} |",
        f"| notebook + HTML per ward ≤ 2× the check floor (one job) | {one / check:.2f}× "
        f"({one:.2f} s vs {check:.2f} s) | "
        f"{_verdict(one <= 2 * check, f'{one / (2 * check):.2f}× over: needs ≤ {2 * check:.2f} s per ward')} |",
        f"| parallel efficiency ≥ 80% at {cores} workers | {100 * eff:.0f}% | "
        f"{_verdict(eff >= 0.8, f'{100 * (0.8 - eff):.0f} points short')} |",
        f"| peak memory per worker ≤ 300 MB (worker + its kernel) | {per_worker_mb} MB | "
        f"{_verdict(0 < per_worker_mb <= 300, memory_over)} |",
        *cost_rows,
        "",
        *_efficiency_note(r, eff),
        "## Projections on this machine",
        "",
        f"From the measured per-ward time at one job ({one:.2f} s) and the measured parallel efficiency "
        f"({100 * eff:.0f}%), plus one portfolio render ({portfolio:.1f} s, which grows with the ward count "
        "and is not scaled here). Workers beyond this machine's cores mean more machines on a Dask cluster "
        "(`--scheduler`), assumed to keep the same efficiency.",
        "",
        "| workers | 100 wards | 3,321 wards | saved per added worker (3,321 wards) |",
        "|---:|---:|---:|---:|",
    ]
    prev = None
    for w in sorted({1, cores, 2 * cores, 4 * cores, 8 * cores, 16 * cores}):
        e = 1.0 if w == 1 else eff
        t100 = 100 * one / (w * e) + portfolio
        t3321 = 3321 * one / (w * e) + portfolio
        saved = "" if prev is None else f"{(prev[1] - t3321) / (w - prev[0]) / 60:.1f} min"
        lines.append(f"| {w} | {t100 / 60:.1f} min | {t3321 / 3600:.2f} h | {saved} |")
        prev = (w, t3321)
    lines += ["", ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description="the batch benchmark")
    ap.add_argument("--wards", type=int, default=30, help="synthetic wards in the corpus (≥ 10; a province has ~100)")
    args = ap.parse_args()
    r = bench(max(10, args.wards))
    text = report(r)
    print(text)
    RESULTS.write_text(text, encoding="utf-8")
    (REPO / "benchmarks" / "corpus" / "bench.json").write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
    print(f"written: {RESULTS.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
