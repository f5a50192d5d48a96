"""Where the reference CNN that the probes train differs from the article's snippets, line by
line, so that the code tab can mark each difference with a one-line note.

Each correction is found by a piece of the line it concerns; a test checks that every one
still finds its line in the probes' own model source.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Correction:
    framework: str
    needle: str
    """Text on the line of the probe's model source that differs from the article."""
    note: str


CORRECTIONS: tuple[Correction, ...] = (
    Correction(
        "pytorch", "nn.Conv2d(1, 32, kernel_size=3)",
        "no padding, like Keras' default; the article's padding=1 keeps 28×28, so its "
        "flatten size no longer fits"),
    Correction(
        "pytorch", "nn.Linear(13 * 13 * 32, 128)",
        "13·13·32 = 5,408 features arrive after pooling; the article's 28·28·32 fails at the "
        "first forward pass"),
    Correction(
        "pytorch", "torch.relu(self.conv1(x))",
        "a ReLU after the convolution, as in the Keras model; the article's PyTorch model has "
        "none"),
    Correction(
        "tensorflow", "keras.Input(shape=(28, 28, 1))",
        "the input is declared with Input: Keras 3 deprecates the article's input_shape= on "
        "a layer"),
    Correction(
        "tensorflow", "keras.layers.Dense(10)",
        "logits out, with from_logits=True in the loss: the article's softmax + "
        "cross-entropy, computed stably"),
)


def corrections(framework: str, source: str) -> list[tuple[int, str]]:
    """(line number, note) for each correction found in ``source``, in line order."""
    lines = source.splitlines()
    found = []
    for c in CORRECTIONS:
        if c.framework != framework:
            continue
        number = next((i for i, line in enumerate(lines, 1) if c.needle in line), None)
        if number is not None:
            found.append((number, c.note))
    return sorted(found)
