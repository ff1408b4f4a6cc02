"""`make test` installs every program the code runs: each external program the package, the tests, the
benchmarks and the scripts start (a ``subprocess`` call, an ``os.system``, a ``shutil.which`` look-up,
a ``/usr/bin/...`` path) is provided by a Debian package that the Makefile's ``system-deps`` installs,
or by the virtual environment ``make setup`` builds.

The programs are found with :mod:`ast`: the first word of a command given as a list or tuple (or a
name bound to one in the same module, or a shell string), the argument of ``shutil.which``, and a
string naming a program under /usr/bin. A program the code computes (``sys.executable``, a path into
``.venv/bin``) is the environment's, not the system's.
"""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("src", "tests", "benchmarks", "scripts")
RUNNERS = {("subprocess", f) for f in ("run", "Popen", "call", "check_call", "check_output")} | {
    ("os", "system"), ("os", "popen"), ("os", "execvp"), ("os", "execv")}
#: what runs `make test` at all: the one program the Makefile cannot install for itself
BUILD_TOOLS = {"make"}
_BIN_PATH = re.compile(r"^/usr/(?:local/)?bin/([\w.+-]+)$")


def _command_words(node: ast.AST, bound: dict[str, ast.AST], loops: dict[str, list[str]]) -> set[str]:
    """The programs a command names: the first element of a list/tuple, the first word of a string, or
    each value of a loop over literal names (``for tool in ("tesseract", "gs"): shutil.which(tool)``)."""
    if isinstance(node, ast.Name) and node.id in loops:
        return {Path(v).name for v in loops[node.id]}
    if isinstance(node, ast.Name) and node.id in bound:
        node = bound[node.id]
    if isinstance(node, (ast.List, ast.Tuple)) and node.elts:
        node = node.elts[0]
        if isinstance(node, ast.Name) and node.id in bound:
            node = bound[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
        return {Path(node.value.split()[0]).name}
    return set()


def _loop_values(tree: ast.AST) -> dict[str, list[str]]:
    """Loop variables that run over a literal list or tuple of strings."""
    out: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name) \
                and isinstance(node.iter, (ast.List, ast.Tuple)) \
                and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.iter.elts):
            out.setdefault(node.target.id, []).extend(e.value for e in node.iter.elts)
    return out


def _dotted(func: ast.AST) -> tuple[str, str] | None:
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id, func.attr
    return None


def programs_in(source: str) -> set[str]:
    """The external programs a module's source starts or looks up (see the module's docstring)."""
    tree = ast.parse(source)
    bound: dict[str, ast.AST] = {}
    for node in ast.walk(tree):  # names bound once to a literal command: cmd = ["tool", ...]
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            bound.setdefault(node.targets[0].id, node.value)
    loops = _loop_values(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name in RUNNERS and node.args:
                found |= _command_words(node.args[0], bound, loops)
            elif name == ("shutil", "which") and node.args:
                found |= _command_words(node.args[0], {}, loops)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and (m := _BIN_PATH.match(node.value)):
            found.add(m.group(1))
    return found


def code_programs() -> dict[str, set[str]]:
    """Program → the files that run it, over the package, tests, benchmarks and scripts."""
    out: dict[str, set[str]] = {}
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for program in programs_in(path.read_text(encoding="utf-8")):
                out.setdefault(program, set()).add(str(path.relative_to(ROOT)))
    return out


def system_tools(makefile: str) -> dict[str, str]:
    """The Makefile's ``SYSTEM_TOOLS`` (``program=package`` words, continued lines joined)."""
    text = makefile.replace("\\\n", " ")
    m = re.search(r"^SYSTEM_TOOLS\s*:?=(.*)$", text, re.MULTILINE)
    return dict(word.split("=", 1) for word in (m.group(1).split() if m else []) if "=" in word)


def recipe(makefile: str, target: str) -> str:
    """The recipe lines of ``target`` (tab-indented, after its rule line)."""
    lines = makefile.splitlines()
    start = next(i for i, ln in enumerate(lines) if re.match(rf"^{re.escape(target)}:", ln))
    body = []
    for ln in lines[start + 1:]:
        if not ln.startswith("\t"):
            break
        body.append(ln)
    return "\n".join(body)


def uninstalled(programs: dict[str, set[str]], makefile: str, venv_bin: Path) -> list[str]:
    """The programs the code runs that neither ``make system-deps`` nor the virtual environment provides."""
    tools = system_tools(makefile)
    deps = recipe(makefile, "system-deps")
    installs = "$(SYSTEM_TOOLS)" in deps and "$(SYSTEM_DEBS)" in deps  # checked with command -v, installed
    missing = []
    for program in sorted(programs):
        if program in BUILD_TOOLS or (venv_bin / program).exists():
            continue
        if not (installs and program in tools):
            missing.append(f"{program} (run by {', '.join(sorted(programs[program]))})")
    return missing


def test_make_system_deps_installs_every_program_the_code_runs():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    programs = code_programs()
    # the scan sees what it must: the tools of OCR, office conversion, printing and the browser tests
    assert {"tesseract", "gs", "soffice", "pdftotext", "pdftoppm", "chromium"} <= set(programs)
    assert uninstalled(programs, makefile, Path(sys.executable).parent) == []


def test_make_test_runs_system_deps():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test:.*\bsystem-deps\b", makefile, re.MULTILINE)
    assert "command -v" in recipe(makefile, "system-deps")


def test_the_check_fails_when_the_makefile_drops_a_program():
    """Self-test: take poppler-utils' pdftotext out of the Makefile text and the check names it."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    programs = code_programs()
    venv = Path(sys.executable).parent
    assert "pdftotext=poppler-utils" in makefile
    dropped = makefile.replace("pdftotext=poppler-utils", "")
    missing = uninstalled(programs, dropped, venv)
    assert len(missing) == 1 and missing[0].startswith("pdftotext (run by tests/integration/test_print.py")
    # a recipe that no longer installs the list installs nothing of it
    not_installed = makefile.replace("$(SYSTEM_DEBS)", "chromium")
    assert {m.split()[0] for m in uninstalled(programs, not_installed, venv)} >= {"pdftotext", "soffice"}


def test_the_scan_finds_each_way_of_running_a_program():
    source = """
import os, shutil, subprocess
CMD = ["toolc", "--x"]
subprocess.run(["toola", "-v"])
subprocess.Popen(("toolb",))
subprocess.check_output(CMD)
exe = shutil.which("toold") or shutil.which("toold2")
missing = [t for t in ("toolg", "toolh") if shutil.which(t) is None]
os.system("toole --flag file")
BROWSER = "/usr/bin/toolf"
subprocess.run([sys.executable, "-m", "x"])
subprocess.run([exe, "--y"])
"""
    assert programs_in(source) == {"toola", "toolb", "toolc", "toold", "toold2", "toole", "toolf",
                                    "toolg", "toolh"}
