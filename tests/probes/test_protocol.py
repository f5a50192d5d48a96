"""The line-delimited JSON channel between the runner and its workers: garbage, deadlines,
stops."""

from __future__ import annotations

import os
import threading
import time

import pytest

from probes.protocol import (
    ChannelClosed,
    ChannelStopped,
    ChannelTimeout,
    LineReader,
    ProtocolError,
    decode,
    encode,
    write_message,
)


@pytest.fixture
def pipe():
    r, w = os.pipe()
    yield r, w
    for fd in (r, w):
        try:
            os.close(fd)
        except OSError:
            pass  # the test closed it already


def test_round_trip_of_split_and_joined_lines(pipe) -> None:
    r, w = pipe
    data = encode({"type": "reply", "x": 1}) + encode({"type": "event"})
    os.write(w, data[:7])
    os.write(w, data[7:])
    reader = LineReader(r)
    deadline = time.monotonic() + 2
    assert reader.read(deadline) == {"type": "reply", "x": 1}
    assert reader.read(deadline) == {"type": "event"}


def test_a_line_longer_than_one_read_arrives_whole(pipe) -> None:
    # Logits come back in one line of several pipe buffers' worth.
    r, w = pipe
    logits = [[i / 7] * 10 for i in range(2000)]
    data = encode({"type": "reply", "logits": logits}) + encode({"type": "event"})
    assert len(data) > 3 * 65536
    writer = threading.Thread(target=lambda: (os.write(w, data[:5]), os.write(w, data[5:])))
    writer.start()
    reader = LineReader(r)
    deadline = time.monotonic() + 5
    assert reader.read(deadline) == {"type": "reply", "logits": logits}
    assert reader.read(deadline) == {"type": "event"}
    writer.join()


@pytest.mark.parametrize("line", [b"not json", b"[1, 2]", b"\xff\xfe", b'"text"'])
def test_garbage_is_a_protocol_error_naming_what_came(line: bytes) -> None:
    with pytest.raises(ProtocolError):
        decode(line)


def test_nan_never_goes_on_the_wire() -> None:
    with pytest.raises(ValueError):
        encode({"loss": float("nan")})


def test_silence_times_out_and_eof_is_closed(pipe) -> None:
    r, w = pipe
    reader = LineReader(r)
    t = time.monotonic()
    with pytest.raises(ChannelTimeout):
        reader.read(time.monotonic() + 0.2)
    assert time.monotonic() - t < 1.0
    write_message(w, {"type": "reply"})
    os.close(w)
    assert reader.read(time.monotonic() + 1) == {"type": "reply"}
    with pytest.raises(ChannelClosed):
        reader.read(time.monotonic() + 1)


def test_a_half_line_before_eof_is_garbage(pipe) -> None:
    r, w = pipe
    os.write(w, b'{"type": "rep')
    os.close(w)
    with pytest.raises(ProtocolError, match="unterminated"):
        LineReader(r).read(time.monotonic() + 1)


def test_a_stop_request_ends_the_wait_promptly(pipe) -> None:
    r, _ = pipe
    t = time.monotonic()
    with pytest.raises(ChannelStopped):
        LineReader(r).read(time.monotonic() + 30, should_stop=lambda: time.monotonic() - t > 0.2)
    assert time.monotonic() - t < 1.0
