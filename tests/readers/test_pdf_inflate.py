"""wardaudit.ingest.pdf.inflate: every stream of a PDF found in its bytes and decoded a chunk at a time,
checked against qpdf (pikepdf) on real PDFs and on each filter; bombs behind every filter it decodes
refused at the limit. The 512 MiB content stream through `wardaudit check` is in test_bombs.py."""
from __future__ import annotations

import base64
import binascii
import time
import zlib
from pathlib import Path

import pikepdf
import pytest

from helpers import pdf_bytes
from wardaudit.errors import InputError
from wardaudit.ingest import read_document
from wardaudit.ingest.pdf.inflate import decoded, raw_streams, refuse_bombs

ROOT = Path(__file__).resolve().parents[2]
REAL = sorted((ROOT / "tests/fixtures/renderings").rglob("*.pdf"))


def lzw_codes(data: bytes) -> list[int]:
    """LZW codes of ``data`` (a table of at most 4,096 entries, never cleared), ending with EOD."""
    table, nxt, w, codes = {bytes([i]): i for i in range(256)}, 258, b"", []
    for b in data:
        wc = w + bytes([b])
        if wc in table:
            w = wc
            continue
        codes.append(table[w])
        if nxt < 4096:
            table[wc], nxt = nxt, nxt + 1
        w = bytes([b])
    return codes + [table[w], 257]


def lzw_pack(codes: list[int], early: int = 1) -> bytes:
    """The codes packed as a PDF LZW reader reads them: 9 bits, one more each time the reader's
    table (one entry behind the writer's) is about to fill the width (``early``: /EarlyChange)."""
    bits = nbits = 0
    size, width, first = 258, 9, True
    for code in codes:
        bits, nbits = (bits << width) | code, nbits + width
        if code == 257:
            break
        if not first and size < 4096:
            size += 1
        first = False
        if size + early >= 1 << width and width < 12:
            width += 1
    pad = -nbits % 8
    return (bits << pad).to_bytes((nbits + pad) // 8, "big")


def run_length(data: bytes) -> bytes:
    out = bytearray()
    for at in range(0, len(data), 128):
        piece = data[at:at + 128]
        if piece == piece[:1] * len(piece) and len(piece) > 1:
            out += bytes([257 - len(piece)]) + piece[:1]
        else:
            out += bytes([len(piece) - 1]) + piece
    return bytes(out + b"\x80")


SAMPLE = ("Tổng số hồ sơ tiếp nhận trong kỳ; trong đó trực tuyến toàn trình. " * 40).encode() + bytes(range(256)) * 4
ENCODED = {
    "FlateDecode": (b"/Filter /FlateDecode", zlib.compress(SAMPLE)),
    "ASCIIHexDecode": (b"/Filter /ASCIIHexDecode", binascii.hexlify(SAMPLE, b"\n", 32) + b">"),
    "ASCII85Decode": (b"/Filter /ASCII85Decode", base64.a85encode(SAMPLE, wrapcol=70) + b"~>"),
    "RunLengthDecode": (b"/Filter /RunLengthDecode", run_length(SAMPLE + b"\x00" * 1000)),
    "LZWDecode": (b"/Filter /LZWDecode", lzw_pack(lzw_codes(SAMPLE))),
    "AHx then Flate": (b"/Filter [/ASCIIHexDecode /FlateDecode]", binascii.hexlify(zlib.compress(SAMPLE)) + b">"),
    "LZW, EarlyChange 0": (b"/Filter /LZWDecode /DecodeParms << /EarlyChange 0 >>",
                           lzw_pack(lzw_codes(SAMPLE), early=0)),
}


@pytest.mark.parametrize("name", list(ENCODED))
def test_each_filter_decodes_as_qpdf_does(tmp_path, name):
    entries, data = ENCODED[name]
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf_bytes([(b"", b"q Q"), (entries, data)]))
    ours = {s.number: b"".join(decoded(s)) for s in raw_streams(path.read_bytes())}
    with pikepdf.open(path) as pdf:
        theirs = pdf.get_object((5, 0)).read_bytes(pikepdf.StreamDecodeLevel.specialized)  # with RunLength
    assert ours[5] == theirs and len(theirs) >= 50


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_pdfs_every_stream_found_and_decoded_as_qpdf_does(path):
    ours = {s.number: sum(len(c) for c in decoded(s)) for s in raw_streams(path.read_bytes())}
    with pikepdf.open(path) as pdf:
        theirs = {o.objgen[0]: len(o.read_bytes()) for o in pdf.objects if isinstance(o, pikepdf.Stream)}
    assert ours == theirs and len(ours) > 5
    assert 0 < refuse_bombs(path, path.name, 256) < 1 << 20


def _zeros_flate(size: int) -> bytes:
    c = zlib.compressobj(9)
    chunk = b"\0" * (1 << 22)
    return b"".join([c.compress(chunk) for _ in range(size // len(chunk))] + [c.flush()])


# each inflates to 64 MiB or more from at most 1 MB (run length: 64 times at most), against a limit of 4 MB
BOMBS = {
    "flate twice": (b"/Filter [/FlateDecode /FlateDecode]", lambda: zlib.compress(_zeros_flate(256 << 20), 9)),
    "run length": (b"/Filter /RunLengthDecode", lambda: b"\x81\x20" * (1 << 19) + b"\x80"),
    # a run of spaces: codes of 1, 2, ... 3,839 spaces, then the longest one again and again
    "LZW": (b"/Filter /LZWDecode", lambda: lzw_pack([32, *range(258, 4096), *[4095] * 20_000, 257])),
    "an image": (b"/Type /XObject /Subtype /Image /Width 8 /Height 8 /BitsPerComponent 8 "
                 b"/ColorSpace /DeviceGray /Filter /FlateDecode", lambda: _zeros_flate(64 << 20)),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_a_bomb_behind_any_decoded_filter_is_refused_at_the_limit(tmp_path, name):
    entries, make = BOMBS[name]
    path = tmp_path / "bomb.pdf"
    path.write_bytes(pdf_bytes([(b"", b"q Q"), (entries, make())]))
    assert path.stat().st_size <= (1 << 20) + 1000
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"bomb\.pdf: .*4 MB limit at object 5 \(decompression bomb\?\)") as e:
        read_document(path, max_inflate_mb=4)
    elapsed = time.perf_counter() - start
    print(f"{name}: refused in {elapsed:.2f} s")
    assert elapsed < 5 and "\n" not in str(e.value)
    assert ("an image inflates" if name == "an image" else "the content streams inflate") in str(e.value)
