"""Model files confirmed by their first bytes, never loaded.

Each reader looks at a bounded header: a magic number, a FlatBuffer identifier, the first
protobuf fields, safetensors' length-prefixed JSON header, the names inside a zip archive and,
for a .keras file, its small JSON members, decompressed with a cap (a zip bomb yields at most
the cap). A pickle is recognised by its first two bytes and never unpickled.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Literal

from advisor.errors import InputError
from advisor.inputs.files import parse_json
from advisor.scan.model import BoundTo
from advisor.scan.walk import FileRef, read_head

HEAD = 64 * 1024
"""Bytes read from the start of a model file; every format here says what it is within them."""
HDF5_HEAD = 256 * 1024
"""An HDF5 file's root attributes (Keras' model_config, keras_version) sit near its start."""
JSON_HEADER_MAX = 16 * 1024 * 1024
"""The most of a safetensors header or a TF.js model.json that is read."""
ZIP_DIRECTORY_MAX = 8 * 1024 * 1024
ZIP_ENTRIES_MAX = 200_000
ZIP_MEMBER_MAX = 4 * 1024 * 1024
"""The most of a .keras archive's config.json that is decompressed (a zip bomb stops here)."""

Status = Literal["model", "not_model", "problem"]


@dataclass(frozen=True)
class Check:
    status: Status
    detail: str = ""
    bound: BoundTo | None = None
    """The framework the header showed, where it says more than the entry (safetensors'
    format, a .keras file's Keras version)."""

    @property
    def reason(self) -> str:
        return self.detail


def _problem(detail: str) -> Check:
    return Check("problem", detail)


class _Bad(InputError):
    """Stands for a header's JSON problems (never shown as an error)."""


def check(reader: str, ref: FileRef) -> Check:
    """What ``ref``'s header says, for the entry's ``reader``."""
    if reader == "folder":
        return Check("model", "folder")
    head, size = read_head(ref, HDF5_HEAD if reader == "hdf5" else HEAD)
    if head.startswith(b"version https://git-lfs"):
        return Check("model", "Git LFS pointer (the file itself is stored elsewhere)")
    return _READERS[reader](ref, head, size)


def _pytorch(ref: FileRef, head: bytes, size: int) -> Check:
    if head.startswith(b"PK\x03\x04"):
        names = _zip_names(ref, size)
        if isinstance(names, Check):
            return names
        if any(n.endswith("/data.pkl") or n == "data.pkl" for n in names):
            kind = "TorchScript archive" if any("/code/" in n or n.endswith("/constants.pkl")
                                                for n in names) else "torch.save archive"
            return Check("model", f"{kind} (never loaded)")
        if any(n.endswith("archive_format") or "/models/" in n for n in names):
            return Check("model", "torch.export archive (never loaded)")
        return _problem("zip archives without PyTorch's layout")
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return Check("model", "pickle (never unpickled)")
    return _problem("model files whose header does not match their name")


def _safetensors(ref: FileRef, head: bytes, size: int) -> Check:
    if len(head) < 8:
        return _problem("model files whose header does not match their name")
    length = struct.unpack("<Q", head[:8])[0]
    if length < 2 or length > size - 8:
        return _problem("safetensors files whose header length does not fit the file")
    if length > JSON_HEADER_MAX:
        return Check("model", f"safetensors, header of {length:,} bytes not read")
    raw = head[8:8 + length] if 8 + length <= len(head) else read_head(ref, 8 + length)[0][8:]
    try:
        header = parse_json(raw.decode("utf-8"), None, _Bad)
    except (_Bad, UnicodeDecodeError):
        return _problem("safetensors files whose header is not valid JSON")
    if not isinstance(header, dict):
        return _problem("safetensors files whose header is not valid JSON")
    meta = header.get("__metadata__")
    fmt = meta.get("format") if isinstance(meta, dict) else None
    tensors = len(header) - (1 if "__metadata__" in header else 0)
    bound = {"pt": "pytorch", "torch": "pytorch", "tf": "tensorflow", "flax": "jax",
             "jax": "jax", "keras": "keras"}.get(fmt if isinstance(fmt, str) else "")
    detail = f"safetensors, {tensors:,} tensors" + (f", format {fmt!s:.20}" if fmt else "")
    return Check("model", detail, bound)  # type: ignore[arg-type]


_HDF5 = b"\x89HDF\r\n\x1a\n"
_KERAS_VERSION = re.compile(rb"keras_version.{0,200}?([23])\.\d+\.\d+", re.S)


def _hdf5(ref: FileRef, head: bytes, size: int) -> Check:
    if not any(head[at:at + 8] == _HDF5 for at in (0, 512, 1024, 2048)):
        return _problem("model files whose header does not match their name")
    if ref.name.lower().endswith(".weights.h5"):
        return Check("model", "HDF5 weights (Keras 3)")
    version = _KERAS_VERSION.search(head)
    if version:
        major = version[1].decode()
        return Check("model", f"Keras {major} HDF5 model",
                     "keras" if major == "3" else "tensorflow")
    if b"model_config" in head or b"layer_names" in head:
        return Check("model", "Keras HDF5 model")
    return Check("not_model", "HDF5 data")


def _keras(ref: FileRef, head: bytes, size: int) -> Check:
    if not head.startswith(b"PK\x03\x04"):
        return _problem("model files whose header does not match their name")
    names = _zip_names(ref, size)
    if isinstance(names, Check):
        return names
    if "config.json" not in names:
        return _problem(".keras archives without config.json")
    detail, bound = ".keras archive", None
    meta = _zip_json(ref, "metadata.json")
    if isinstance(meta, Check):
        return meta
    version = meta.get("keras_version") if isinstance(meta, dict) else None
    if isinstance(version, str) and version[:1] in "23":
        detail = f"Keras {version:.12} model"
        bound = "keras" if version.startswith("3") else "tensorflow"
    config = _zip_json(ref, "config.json")
    if isinstance(config, Check):
        return config
    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        detail += f" ({config['class_name']:.40})"
    return Check("model", detail, bound)  # type: ignore[arg-type]


def _savedmodel(ref: FileRef, head: bytes, size: int) -> Check:
    if ref.name.endswith(".pbtxt"):
        ok = b"meta_graphs" in head or b"saved_model_schema_version" in head
    else:
        ok = head[:1] == b"\x08" or (head[:1] == b"\x12" and size > 0)
    return Check("model", "SavedModel") if ok else _problem(
        "model files whose header does not match their name")


def _tflite(ref: FileRef, head: bytes, size: int) -> Check:
    if head[4:8] == b"TFL3":
        return Check("model", "FlatBuffer TFL3")
    return _problem("model files whose header does not match their name")


def _pte(ref: FileRef, head: bytes, size: int) -> Check:
    if head[4:6] == b"ET" and head[6:8].isdigit():
        return Check("model", f"FlatBuffer {head[4:8].decode('ascii', 'replace')}")
    return _problem("model files whose header does not match their name")


def _onnx(ref: FileRef, head: bytes, size: int) -> Check:
    fields = _protobuf_strings(head, wanted=(2, 3), stop=7)
    if fields is None:
        return _problem("model files whose header does not match their name")
    producer = " ".join(fields.get(n, "") for n in (2, 3)).strip()
    return Check("model", f"ONNX, producer {producer:.40}" if producer else "ONNX")


def _coreml(ref: FileRef, head: bytes, size: int) -> Check:
    if head[:1] == b"\x08":
        return Check("model", "Core ML specification")
    return _problem("model files whose header does not match their name")


_TFJS_FORMAT = re.compile(rb'"format"\s*:\s*"(layers-model|graph-model)"')


def _tfjs(ref: FileRef, head: bytes, size: int) -> Check:
    m = _TFJS_FORMAT.search(head)
    if m:
        return Check("model", f"TF.js {m[1].decode()}")
    if b'"weightsManifest"' in head and b'"modelTopology"' in head:
        return Check("model", "TF.js model")
    return Check("not_model", "JSON")


def _gguf(ref: FileRef, head: bytes, size: int) -> Check:
    if head.startswith(b"GGUF"):
        return Check("model", "GGUF")
    return _problem("model files whose header does not match their name")


def _mar(ref: FileRef, head: bytes, size: int) -> Check:
    if not head.startswith(b"PK\x03\x04"):
        return _problem("model files whose header does not match their name")
    names = _zip_names(ref, size)
    if isinstance(names, Check):
        return names
    if "MAR-INF/MANIFEST.json" in names:
        return Check("model", "TorchServe archive")
    return _problem("zip archives without TorchServe's layout")


_READERS = {
    "pytorch": _pytorch, "safetensors": _safetensors, "hdf5": _hdf5, "keras": _keras,
    "savedmodel": _savedmodel, "tflite": _tflite, "pte": _pte, "onnx": _onnx,
    "coreml": _coreml, "tfjs": _tfjs, "gguf": _gguf, "mar": _mar,
}  # fmt: skip


# --- a bounded zip reader ---------------------------------------------------------------------
# zipfile reads a whole central directory of whatever size the archive claims; this reads at
# most ZIP_DIRECTORY_MAX bytes of it, and decompresses a member only up to ZIP_MEMBER_MAX.

_Entry = tuple[int, int, int, int]
"""(method, compressed size, uncompressed size, local header offset)"""


def _pread(ref: FileRef, n: int, offset: int) -> bytes:
    fd = ref.open()
    try:
        return os.pread(fd, n, offset)
    finally:
        os.close(fd)


def _zip_directory(ref: FileRef, size: int) -> dict[str, _Entry] | Check:
    tail_size = min(size, 65536 + 22)
    tail = _pread(ref, tail_size, size - tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return _problem("zip archives without a readable directory")
    entries, cd_size, cd_offset = struct.unpack("<xxxxxxxxxxHII", tail[at:at + 20])
    if 0xFFFF in (entries,) or 0xFFFFFFFF in (cd_size, cd_offset):
        locator = tail[at - 20:at] if at >= 20 else b""
        if not locator.startswith(b"PK\x06\x07"):
            return _problem("zip archives without a readable directory")
        record = _pread(ref, 56, struct.unpack("<Q", locator[8:16])[0])
        if not record.startswith(b"PK\x06\x06") or len(record) < 56:
            return _problem("zip archives without a readable directory")
        entries, cd_size, cd_offset = struct.unpack("<QQQ", record[32:56])
    if cd_size > ZIP_DIRECTORY_MAX or entries > ZIP_ENTRIES_MAX:
        return _problem("zip archives with a directory too large to read")
    if cd_offset + cd_size > size:
        return _problem("zip archives without a readable directory")
    data = _pread(ref, cd_size, cd_offset)
    out: dict[str, _Entry] = {}
    pos = 0
    while pos + 46 <= len(data) and data[pos:pos + 4] == b"PK\x01\x02":
        method, = struct.unpack("<H", data[pos + 10:pos + 12])
        csize, usize, nlen, elen, clen = struct.unpack("<IIHHH", data[pos + 20:pos + 34])
        offset, = struct.unpack("<I", data[pos + 42:pos + 46])
        name = data[pos + 46:pos + 46 + nlen].decode("utf-8", "replace")
        extra = data[pos + 46 + nlen:pos + 46 + nlen + elen]
        csize, usize, offset = _zip64(extra, csize, usize, offset)
        out[name] = (method, csize, usize, offset)
        pos += 46 + nlen + elen + clen
    return out


def _zip64(extra: bytes, csize: int, usize: int, offset: int) -> tuple[int, int, int]:
    """Sizes and offset from a zip64 extra field, for the fields that overflowed."""
    pos = 0
    while pos + 4 <= len(extra):
        tag, length = struct.unpack("<HH", extra[pos:pos + 4])
        body = extra[pos + 4:pos + 4 + length]
        if tag == 1:
            values = [struct.unpack("<Q", body[i:i + 8])[0] for i in range(0, len(body) - 7, 8)]
            for name in ("usize", "csize", "offset"):
                current = {"usize": usize, "csize": csize, "offset": offset}[name]
                if current == 0xFFFFFFFF and values:
                    value = values.pop(0)
                    usize, csize, offset = (value if name == "usize" else usize,
                                            value if name == "csize" else csize,
                                            value if name == "offset" else offset)
        pos += 4 + length
    return csize, usize, offset


def _zip_names(ref: FileRef, size: int) -> list[str] | Check:
    directory = _zip_directory(ref, size)
    return directory if isinstance(directory, Check) else list(directory)


def _zip_json(ref: FileRef, member: str) -> object:
    """A small JSON member of a zip archive, decompressed with a cap; None if absent."""
    fd = ref.open()
    try:
        size = os.fstat(fd).st_size
    finally:
        os.close(fd)
    directory = _zip_directory(ref, size)
    if isinstance(directory, Check):
        return directory
    entry = directory.get(member)
    if entry is None:
        return None
    method, csize, usize, offset = entry
    if usize > ZIP_MEMBER_MAX or csize > ZIP_MEMBER_MAX:
        return _problem("zip archives with a member too large to read")
    local = _pread(ref, 30, offset)
    if not local.startswith(b"PK\x03\x04"):
        return _problem("zip archives without a readable directory")
    nlen, elen = struct.unpack("<HH", local[26:30])
    data = _pread(ref, csize, offset + 30 + nlen + elen)
    if method == 8:
        inflater = zlib.decompressobj(-15)
        try:
            data = inflater.decompress(data, ZIP_MEMBER_MAX + 1)
        except zlib.error:
            return _problem("zip archives with a member that does not decompress")
        if len(data) > ZIP_MEMBER_MAX or inflater.unconsumed_tail:
            return _problem("zip archives with a member too large to read")
    elif method != 0:
        return _problem("zip archives compressed in a way not read")
    try:
        return parse_json(data.decode("utf-8"), None, _Bad)
    except (_Bad, UnicodeDecodeError):
        return _problem("zip archives with a member that is not valid JSON")


def _protobuf_strings(data: bytes, *, wanted: tuple[int, ...], stop: int) -> dict[int, str] | None:
    """The string fields ``wanted`` among the first fields of a protobuf message, up to field
    ``stop``; None when the bytes do not read as protobuf."""
    out: dict[int, str] = {}
    pos = 0
    for _ in range(32):
        if pos >= len(data):
            break
        key, pos = _varint(data, pos)
        if key is None:
            return None
        field, wire = key >> 3, key & 7
        if field == 0 or field >= stop:
            break
        if wire == 0:
            _, pos = _varint(data, pos)
        elif wire == 2:
            length, pos = _varint(data, pos)
            if length is None or pos + length > len(data):
                return out if out else None
            if field in wanted:
                out[field] = data[pos:pos + length].decode("utf-8", "replace")
            pos += length
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        else:
            return None
    return out if (out or data[:1] == b"\x08") else None


def _varint(data: bytes, pos: int) -> tuple[int | None, int]:
    value, shift = 0, 0
    while pos < len(data) and shift < 64:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
    return None, pos

