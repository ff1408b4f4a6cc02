"""PDF decompression bombs, refused while decoding, before pypdfium2, camelot or OCR open the file.

A PDF's streams (page content, forms, fonts, object streams, images) are mostly Flate-compressed,
and a stream of 1 MB can inflate to 1 GiB. Every stream of the file is found in its bytes (an
``N G obj << ... >> stream`` ... ``endstream``; streams never sit inside object streams, so the
cross-reference table is not needed and a damaged one does not hide anything) and decoded through
its filters a chunk at a time (``zlib``'s ``max_length``: at most :data:`CHUNK` bytes out per
step), counting what comes out and keeping none of it. The file is refused as soon as one image
stream, or all the other streams together, pass ``max_inflate_mb``: the time and memory spent are
those of inflating the limit, never the bomb.

What it cannot see: streams of an encrypted file (encrypted data does not inflate: counted as
stored), and filters it does not decode (DCT, JPX, JBIG2, CCITT: images, bounded by their pixel
count where they are OCR'd, :mod:`wardaudit.ingest.pdf.ocr`).
"""
from __future__ import annotations

import binascii
import mmap
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from wardaudit.errors import InputError

CHUNK = 1 << 20
_OBJ = re.compile(rb"(\d{1,10})\s+(\d{1,5})\s+obj\b")
_STREAM = re.compile(rb"\bstream(?:\r\n|\n|\r)")
_ENDOBJ = re.compile(rb"\bendobj\b")
_ENDSTREAM = re.compile(rb"(?:\r\n|\n|\r)?endstream\b")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_LZW_EARLY = re.compile(rb"/EarlyChange\s+0\b")


@dataclass(frozen=True)
class RawStream:
    """One stream as stored: its object number, its dictionary and its undecoded bytes."""

    number: int
    dictionary: bytes
    data: bytes

    @property
    def filters(self) -> list[str]:
        m = _FILTER.search(self.dictionary)
        return [n.decode("latin-1") for n in _NAME.findall(m.group(1))] if m else []

    @property
    def image(self) -> bool:
        return bool(_IMAGE.search(self.dictionary))


def _data_end(data: bytes | mmap.mmap, dictionary: bytes, start: int) -> int:
    """Where a stream's data ends: its direct /Length when ``endstream`` follows it, else ``endstream``."""
    m = _LENGTH.search(dictionary)
    if m:
        end = start + int(m.group(1))
        if end <= len(data) and _ENDSTREAM.match(data, end, min(len(data), end + 12)):
            return end
    found = _ENDSTREAM.search(data, start)
    return found.start() if found else len(data)


def raw_streams(data: bytes | mmap.mmap) -> Iterator[RawStream]:
    """Every stream in the bytes of a PDF, in file order (the data of one is never read as objects)."""
    pos = 0
    while True:
        obj = _OBJ.search(data, pos)
        if obj is None:
            return
        end = _ENDOBJ.search(data, obj.end())
        stream = _STREAM.search(data, obj.end(), end.start() if end else len(data))
        if stream is None:  # an object without a stream
            if end is None:
                return
            pos = end.end()
            continue
        dictionary = bytes(data[obj.end():stream.start()])
        if not dictionary.rstrip().endswith(b">>"):
            pos = stream.end()
            continue
        stop = _data_end(data, dictionary, stream.end())
        yield RawStream(int(obj.group(1)), dictionary, bytes(data[stream.end():stop]))
        pos = max(stop, stream.end())


# --- decoders: each takes chunks and yields chunks of at most CHUNK bytes -------------------------------

def _chunks(data: bytes) -> Iterator[bytes]:
    for at in range(0, len(data), CHUNK):
        yield data[at:at + CHUNK]


def _inflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    d = zlib.decompressobj()
    try:
        for chunk in chunks:
            buf = chunk
            while True:
                out = d.decompress(buf, CHUNK)
                if out:
                    yield out
                buf = d.unconsumed_tail
                if d.eof or (not buf and len(out) < CHUNK):
                    break
            if d.eof:
                return
    except zlib.error:
        return  # damaged data: what inflated so far is counted (a reader stops there too)


def _hex(chunks: Iterable[bytes]) -> Iterator[bytes]:
    carry = b""
    for chunk in chunks:
        digits = carry + re.sub(rb"[^0-9A-Fa-f>]", b"", chunk)
        done = digits.find(b">")
        if done >= 0:
            digits = digits[:done] + (b"0" if done % 2 else b"")
        cut = len(digits) - len(digits) % 2
        yield binascii.unhexlify(digits[:cut])
        carry = digits[cut:]
        if done >= 0:
            return


def _a85(chunks: Iterable[bytes]) -> Iterator[bytes]:
    import base64

    carry = b""
    for chunk in chunks:
        text = carry + re.sub(rb"\s", b"", chunk).replace(b"z", b"!!!!!")
        done = text.find(b"~>")
        if done >= 0:
            text = text[:done]
        cut = len(text) - len(text) % 5 if done < 0 else len(text)
        try:
            yield base64.a85decode(text[:cut])
        except ValueError:
            return
        carry = text[cut:]
        if done >= 0:
            return


def _run_length(chunks: Iterable[bytes]) -> Iterator[bytes]:
    out, pending = bytearray(), b""
    for chunk in chunks:
        data, i = pending + chunk, 0
        while i < len(data):
            n = data[i]
            if n == 128:
                yield bytes(out)
                return
            if n < 128:
                if i + n + 2 > len(data):
                    break
                out += data[i + 1:i + n + 2]
                i += n + 2
            else:
                if i + 1 >= len(data):
                    break
                out += data[i + 1:i + 2] * (257 - n)
                i += 2
            if len(out) >= CHUNK:
                yield bytes(out)
                out.clear()
        pending = data[i:]
    yield bytes(out)


def _lzw(chunks: Iterable[bytes], early: int = 1) -> Iterator[bytes]:
    table = [bytes([i]) for i in range(256)] + [b"", b""]
    bits, width, buffered, prev, out = 0, 9, 0, None, bytearray()
    for chunk in chunks:
        for byte in chunk:
            buffered, bits = (buffered << 8) | byte, bits + 8
            while bits >= width:
                bits -= width
                code = (buffered >> bits) & ((1 << width) - 1)
                if code == 256:
                    table, width, prev = table[:258], 9, None
                    continue
                if code == 257:
                    yield bytes(out)
                    return
                if code < len(table):
                    entry = table[code]
                elif code == len(table) and prev is not None:
                    entry = prev + prev[:1]
                else:
                    yield bytes(out)
                    return  # damaged data
                if prev is not None and len(table) < 4096:
                    table.append(prev + entry[:1])
                prev = entry
                out += entry
                if len(table) + early >= 1 << width and width < 12:
                    width += 1
            buffered &= (1 << bits) - 1
            if len(out) >= CHUNK:
                yield bytes(out)
                out.clear()
    yield bytes(out)


_DECODERS = {"FlateDecode": _inflate, "Fl": _inflate, "ASCIIHexDecode": _hex, "AHx": _hex,
             "ASCII85Decode": _a85, "A85": _a85, "RunLengthDecode": _run_length, "RL": _run_length,
             "LZWDecode": _lzw, "LZW": _lzw}


def decoded(stream: RawStream) -> Iterator[bytes]:
    """The stream's data through its filters, a chunk at a time; a filter not decoded here (an image
    codec) ends the chain with the bytes as they are at that point."""
    chunks: Iterable[bytes] = _chunks(stream.data)
    for name in stream.filters:
        decoder = _DECODERS.get(name)
        if decoder is None:
            break
        if decoder is _lzw:
            chunks = _lzw(chunks, early=0 if _LZW_EARLY.search(stream.dictionary) else 1)
        else:
            chunks = decoder(chunks)
    yield from chunks


def refuse_bombs(path: Path, shown: str, max_inflate_mb: int) -> int:
    """Refuse a PDF whose streams inflate past ``max_inflate_mb`` (one image, or all the others
    together), from the streams decoded a chunk at a time. Returns the bytes the streams inflate to."""
    limit = max_inflate_mb << 20
    total = 0
    with open(path, "rb") as f:
        try:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file: the reader says so
            return 0
        with data:
            for stream in raw_streams(data):
                size = 0
                for chunk in decoded(stream):
                    size += len(chunk)
                    if size > limit or (not stream.image and total + size > limit):
                        raise _bomb(shown, stream, max_inflate_mb, image=stream.image)
                total += 0 if stream.image else size
    return total


def _bomb(shown: str, stream: RawStream, max_inflate_mb: int, *, image: bool) -> InputError:
    what_vi, what_en = (("một ảnh", "an image inflates") if image
                        else ("các luồng nội dung", "the content streams inflate"))
    return InputError(f"{shown}: {what_vi} giải nén vượt giới hạn {max_inflate_mb} MB (max_inflate_mb, đối tượng "
                      f"{stream.number}), nghi là bom giải nén / {what_en} past the {max_inflate_mb} MB "
                      f"limit at object {stream.number} (decompression bomb?)", path=shown)
