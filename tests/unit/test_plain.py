"""plain() gives what dataclasses.asdict gives: on the seed wards' audits (documents, facts, places, checks'
evidence) and on odd values (tuples, named tuples, nested dicts, enums, mutable leaves)."""
from __future__ import annotations

import enum
from collections import namedtuple
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

from wardaudit.audit import audit_file
from wardaudit.model.plain import plain

SEEDS = sorted(Path(__file__).resolve().parents[2].joinpath("data", "raw").glob("*/*.*"))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.parent.name)
def test_a_seed_audit_is_what_asdict_gives(path):
    r = audit_file(path)
    assert plain(r.document) == asdict(r.document)
    assert [plain(f) for f in r.facts] == [asdict(f) for f in r.facts]
    assert {k: plain(p) for k, p in r.places.items()} == {k: asdict(p) for k, p in r.places.items()}
    evidence = [e for c in r.checks for e in c.evidence]
    assert evidence and [plain(e) for e in evidence] == [asdict(e) for e in evidence]
    assert r.to_record()["document"] == asdict(r.document)


class Level(enum.Enum):
    LOW = "thấp"


Pair = namedtuple("Pair", "left right")


@dataclass
class Inner:
    name: str
    where: tuple = ()


@dataclass
class Outer:
    inner: Inner
    items: list = field(default_factory=list)
    table: dict = field(default_factory=dict)
    pair: Pair | None = None
    level: Level = Level.LOW
    blob: bytearray = field(default_factory=bytearray)


def test_odd_values_are_what_asdict_gives_and_share_nothing_mutable():
    o = Outer(Inner("Phường 1", (1, Inner("x"))), [Inner("y", (2.5, None)), {"k": [1, True]}],
              {(1, 2): Inner("z"), "n": None}, Pair(Inner("l"), [3]), Level.LOW, bytearray(b"ab"))
    got, want = plain(o), asdict(o)
    assert got == want
    assert type(got["inner"]["where"]) is tuple and type(got["pair"]) is Pair
    assert got["blob"] is not o.blob and got["items"][1] is not o.items[1]  # copies, as asdict makes
