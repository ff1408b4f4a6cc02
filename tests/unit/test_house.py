"""The house rules of issue #13, checked on the whole package: module and function sizes, HTML only
in templates, no import cycle (imports inside functions included), and ruff clean."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

try:
    from conftest import REPO
except ImportError:  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from conftest import REPO

SRC = REPO / "src" / "wardaudit"


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MAX_HTML_STRINGS = 10
HTML_TAGS = ("a abbr b body br button caption code col colgroup dd details div dl dt em figcaption figure footer "
             "form h1 h2 h3 h4 h5 h6 head header hr html i img input label li link main mark meta nav ol option "
             "output p pre script section select small span strong style sub summary sup svg table tbody td "
             "template th thead time title tr u ul").split()
HTML_TAG = re.compile(r"</?(?:{})(?=[\s>/])".format("|".join(HTML_TAGS)))


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def long_functions(path: Path, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{_shown(path)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > limit]


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def html_strings(path: Path) -> list[str]:
    """String literals (f-strings whole) of a module that hold an HTML tag; docstrings aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip, found = _docstrings(tree), []
    inner = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    for node in ast.walk(tree):
        if id(node) in skip or id(node) in inner:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        else:
            continue
        if HTML_TAG.search(text):
            found.append(f"{_shown(path)}:{node.lineno} {text[:60]!r}")
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports, at module level or inside functions."""
    mods = modules()
    graph: dict[str, set[str]] = {name: set() for name in mods}
    for name, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            graph[name].update(t for t in targets if t in mods and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_module_over_400_lines():
    big = [f"{p.relative_to(REPO)} ({n} lines)" for p in modules().values()
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert big == []


def test_no_function_over_60_lines():
    assert [f for p in modules().values() for f in long_functions(p)] == []


def test_at_most_ten_python_strings_hold_html():
    found = [s for p in modules().values() for s in html_strings(p)]
    assert len(found) <= MAX_HTML_STRINGS, "\n".join(found)


def test_no_import_cycle():
    assert cycles(import_graph()) == []


def seed_traces() -> tuple[set[str], set[str]]:
    """The seed wards' names (parameters/*.yaml) and their distinctive figures (those with a
    thousand dot or a decimal comma and at least three digits, from the recorded facts)."""
    import csv

    import yaml

    names = {yaml.safe_load(p.read_text(encoding="utf-8"))["ward"] for p in (REPO / "parameters").glob("*.yaml")}
    figures = set()
    for path in (REPO / "tests" / "fixtures" / "golden").glob("*.facts.csv"):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            figures |= {m for m in re.findall(r"\d[\d.,]*\d", row.get("raw") or "")
                        if re.search(r"[.,]", m) and len(re.sub(r"\D", "", m)) >= 3}
    return names, figures


def test_no_seed_name_or_figure_in_the_package():
    """Rules and readers are written for the next report, not the four seeds: their names and
    figures belong in tests/ and data/ only (comments and docstrings included)."""
    names, figures = seed_traces()
    assert len(names) == 4 and figures
    found = []
    for path in sorted(SRC.rglob("*")):
        if path.suffix not in (".py", ".yaml", ".j2", ".css", ".js"):
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{_shown(path)}: {n}" for n in names if n.lower() in text.lower()]
        found += [f"{_shown(path)}: {f}" for f in figures
                  if re.search(r"(?<![\d.,])" + re.escape(f) + r"(?![\d]|[.,]\d)", text)]
    assert found == []


# the layers in pipeline order (README "Layout"): a module imports only from its own layer or earlier ones
LAYERS = ("version", "errors", "registry", "project", "model", "store", "vi", "catalogue", "ingest", "extract", "rules",
          "audit", "render", "review", "run", "batch", "cli")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports of a later layer by an earlier one (the package's own __init__ aside)."""
    def layer(module: str) -> int | None:
        parts = module.split(".")
        return LAYERS.index(parts[1]) if len(parts) > 1 else None
    return [f"{a} -> {b}" for a, targets in sorted(graph.items()) for b in sorted(targets)
            if layer(a) is not None and layer(b) is not None and layer(b) > layer(a)]


def test_every_module_imports_only_from_its_layer_or_earlier_ones():
    assert set(LAYERS) | {"__init__"} >= {p.relative_to(SRC).parts[0].removesuffix(".py") for p in SRC.rglob("*.py")}
    assert upward_imports(import_graph()) == []


def test_the_checks_themselves_catch_what_they_look_for(tmp_path):
    sample = tmp_path / "m.py"
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    sample.write_text(f'"""<p>doc</p>"""\ndef f():\n{body}\n\nA = "<td>x</td>"\nB = f"<span>{{A}}</span>"\n'
                      'C = "data/raw/<slug>/"\n', encoding="utf-8")
    assert long_functions(sample) and len(html_strings(sample)) == 2
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert upward_imports({"wardaudit.model.x": {"wardaudit.run.y"}, "wardaudit.run.y": {"wardaudit.model.x"}}) \
        == ["wardaudit.model.x -> wardaudit.run.y"]
    sample.write_text('def f():\n    import pickle\n    return "data/processed/findings.json"\n', encoding="utf-8")
    assert "pickle" in imports_of(sample) and string_literals(sample, "findings.json") == [f"{_shown(sample)}:3"]


def imports_of(path: Path) -> set[str]:
    """Every module name ``path`` imports (top-level names), at module level or inside functions."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def string_literals(path: Path, text: str) -> list[str]:
    """The places where a Python string of ``path`` contains ``text`` (docstrings and comments aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    return [f"{_shown(path)}:{n.lineno}" for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and text in n.value and id(n) not in docs]


def test_no_pickle_anywhere_in_the_package():
    """The audit is stored as JSON: data/processed may be a shared folder, and loading a pickle from it
    would run whatever code someone put there."""
    users = [_shown(p) for p in modules().values() if imports_of(p) & {"pickle", "cPickle", "dill", "joblib"}]
    assert users == []


def test_one_module_knows_the_store_file_names():
    for name in ("findings.json", "audit.json", "summary.json", "facts.csv", "run.json"):
        places = [x for p in modules().values() for x in string_literals(p, name)]
        assert len(places) == 1 and places[0].startswith("src/wardaudit/store.py"), (name, places)


def test_ruff_is_clean():
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run([str(ruff), "check", "src", "tests", "benchmarks", "scripts"], cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


if __name__ == "__main__":  # the figures the house rules bound: `.venv/bin/python tests/unit/test_house.py`
    mods = modules()
    sizes = sorted((len(p.read_text(encoding="utf-8").splitlines()), name) for name, p in mods.items())
    funcs = [(n.end_lineno - n.lineno + 1, f"{name}.{n.name}") for name, p in mods.items()
             for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    html = [s for p in mods.values() for s in html_strings(p)]
    graph = import_graph()
    print(f"modules: {len(mods)}; largest: {sizes[-1][1]} ({sizes[-1][0]} lines; limit {MAX_MODULE_LINES})")
    print(f"functions: {len(funcs)}; longest: {max(funcs)[1]} ({max(funcs)[0]} lines; limit {MAX_FUNCTION_LINES})")
    print(f"Python strings holding HTML tags: {len(html)} (limit {MAX_HTML_STRINGS})")
    for s in html:
        print("  ", s)
    print(f"import cycles: {len(cycles(graph))}; imports of a later layer: {len(upward_imports(graph))}")
