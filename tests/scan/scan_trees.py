"""Small project trees the scan tests write themselves, in the shapes real repositories have,
and model-file headers built here (never a real model)."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from pathlib import Path

from advisor.scan.model import ProjectScan


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def zip_bytes(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def torch_zip() -> bytes:
    """The layout torch.save writes: archive/data.pkl, archive/version, tensor storages."""
    return zip_bytes({"archive/data.pkl": b"\x80\x02}q\x00.", "archive/byteorder": b"little",
                      "archive/data/0": b"\x00" * 16, "archive/version": b"3\n"})


def safetensors(header: dict) -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + b"\x00" * 16


HDF5 = b"\x89HDF\r\n\x1a\n"


def keras_h5(version: str = "2.15.0") -> bytes:
    return HDF5 + b"\x00" * 64 + b"keras_version\x00\x00\x00" + version.encode() + b"\x00" * 32 \
        + b"model_config" + b"\x00" * 64


def keras_file(version: str = "3.6.0") -> bytes:
    return zip_bytes({"metadata.json": json.dumps({"keras_version": version}).encode(),
                      "config.json": json.dumps({"class_name": "Sequential"}).encode(),
                      "model.weights.h5": HDF5})


def tflite() -> bytes:
    return b"\x1c\x00\x00\x00TFL3" + b"\x00" * 24


def proposal_values(scan: ProjectScan) -> dict[str, object]:
    return {p.question: p.value for p in scan.proposals}
