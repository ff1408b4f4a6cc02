"""Issue 26: `check` takes time linear in a report's length. A figure-dense report (every sentence several
figures, scopes, brackets, rates and money: written here from templates, one sentence a line or all on
one line) of 200,000 characters must take at most 6× the time of one of 50,000 characters, and under
60 s. Relations are built from an index of the facts (by sentence, metric, group), never by scanning every
fact for each fact; before that, 200,000 characters took 77 s against 3.9 s for 50,000 (×20).

Time is the process's CPU time, so other work on the machine does not make the test flaky; the wall
time is printed beside it.
"""
from __future__ import annotations

import random
import time

import pytest

from wardaudit.audit import audit_file

TEMPLATES = (
    "Trong tháng, thôn {place} tiếp nhận {a} hồ sơ, trong đó trực tuyến {b} hồ sơ, trực tiếp {c} hồ sơ; "
    "đã giải quyết {d} hồ sơ, đạt tỷ lệ {r}%.",
    "Lũy kế đến nay, xã {place} đã kích hoạt {a} tài khoản định danh điện tử (mức 2: {b} tài khoản; mức 1: "
    "{c} tài khoản), toàn tỉnh đạt {r}%.",
    "Tổ dân phố số {n} tổ chức {n2} lớp tập huấn cho {a} lượt người dân tại nhà văn hóa khu {place}, riêng "
    "cấp xã có {c} lượt.",
    "Kinh phí bố trí cho hạng mục {n} của phường {place} là {a} triệu đồng, đã giải ngân {b} triệu đồng, đạt "
    "{r}% kế hoạch vốn.",
    "UBND xã {place} ban hành {n2} văn bản (gồm {k1} kế hoạch và {k2} công văn), giao {a} chỉ tiêu cho {n} "
    "thôn trên địa bàn huyện Sông {place}.",
)
NAMES = ("Đông", "Tây", "Nam", "Bắc", "Hòa", "Phú", "Tân", "An")


def _dots(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def figure_dense(n_chars: int, seed: int = 7, one_line: bool = False) -> str:
    """A report of about ``n_chars`` characters, each sentence dense with figures."""
    rnd = random.Random(seed)
    out, size, i = [], 0, 0
    while size < n_chars:
        i += 1
        a = rnd.randint(200, 9000)
        b = rnd.randint(50, a - 100)
        d = rnd.randint(b, a)
        s = rnd.choice(TEMPLATES).format(place=f"{rnd.choice(NAMES)} {i}", n=i, n2=rnd.randint(2, 20), a=_dots(a),
                                         b=_dots(b), c=_dots(a - b), d=_dots(d),
                                         r=f"{100 * d / a:.1f}".replace(".", ","),
                                         k1=f"{rnd.randint(1, 5):02d}", k2=f"{rnd.randint(1, 5):02d}")
        out.append(s)
        size += len(s) + 2
    head = "BÁO CÁO\nKết quả thực hiện tháng 10 năm 2026\n\nI. KẾT QUẢ THỰC HIỆN\n\n"
    return head + (" ".join(out) if one_line else "\n\n".join(f"- {s}" for s in out))


def _seconds(path, runs: int = 2) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, facts) of auditing ``path``: the quickest of ``runs`` runs, so a pause of
    the machine does not count."""
    best = None
    for _ in range(runs):
        cpu, wall = time.process_time(), time.perf_counter()
        result = audit_file(path)
        got = (time.process_time() - cpu, time.perf_counter() - wall, len(result.facts))
        best = got if best is None or got[0] < best[0] else best
    return best


@pytest.mark.parametrize("one_line", [False, True], ids=["a sentence a line", "one line"])
def test_check_time_is_linear_in_the_report_length(tmp_path, one_line):
    audit_file(_write(tmp_path, "warm", figure_dense(5_000, one_line=one_line)))  # imports and catalogues once
    small = _seconds(_write(tmp_path, "small", figure_dense(50_000, one_line=one_line)))
    large = _seconds(_write(tmp_path, "large", figure_dense(200_000, one_line=one_line)))
    ratio = large[0] / small[0]
    print(f"\n{'one line' if one_line else 'a sentence a line'}: 50,000 characters {small[0]:.1f} s CPU "
          f"({small[1]:.1f} s wall, {small[2]} facts); 200,000 characters {large[0]:.1f} s CPU ({large[1]:.1f} s "
          f"wall, {large[2]} facts); ratio {ratio:.2f}")
    assert large[2] > 3.5 * small[2], "the large report must hold about four times the facts"
    assert ratio <= 6, f"200,000 characters took {ratio:.1f}× the time of 50,000"
    assert large[0] < 60


def _write(tmp_path, name: str, text: str):
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return path
