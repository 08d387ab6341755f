"""The learned models at answer time: linear classifiers over TF-IDF features, scored with numpy.

``data/model.npz`` is written by ``motcua nlu train`` (:mod:`.train`, scikit-learn's logistic
regression) and read here without scikit-learn: a vocabulary, the inverse document frequency of
each feature, and per head (``intent``, ``procedure``) the classes, their intercepts and the
weights that matter, stored by feature (a sparse row each). A message's vector is what
scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` computes: ``(1 + ln count) × idf`` per
feature, scaled to unit length; a head's probabilities are the softmax of its linear scores.

The weights are unpacked into a dense float32 matrix of the features that have any (a few MB): a
message then costs one small matrix product per head, about 30 µs, against ten times that for the
same sums in plain Python. A feature without weights in a head (a fifth to a third of them) points
at one shared row of zeros, so the rows a message gathers, and its scores, are those of the whole
matrix.

The file holds numbers as the trainer rounded them (IDF and intercepts to 5 decimals, weights to
4), as integers of that many decimals in compressed numpy arrays, and the vocabulary as one text:
reading it makes no Python object per number (the JSON form it replaces peaked at 24 MB while read,
and took 0.4 s), and each number becomes the same float as its decimal would.

Pure: the only I/O is reading the packaged model file once.
"""

from __future__ import annotations

import io
import json
import math
from array import array
from collections import Counter
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any, Final, NamedTuple

import msgspec
import numpy as np
import numpy.typing as npt

from .features import features

__all__ = ("MODEL_FILE", "Head", "Model", "Vector", "encode_model", "load_model", "read_model")

MODEL_FILE: Final = "data/model.npz"
FORMAT: Final = 2
# the decimals the trainer rounds to, kept as integers of that many decimals
IDF_SCALE: Final = 10**5
INTERCEPT_SCALE: Final = 10**5
WEIGHT_SCALE: Final = 10**4


class Vector(NamedTuple):
    """The features a message has (indices into the vocabulary) and their values, unit length."""

    indices: npt.NDArray[np.intp]
    values: npt.NDArray[np.float32]

    @property
    def empty(self) -> bool:
        return not len(self.indices)


class Head:
    """One classifier: probabilities of its classes for a vector."""

    def __init__(
        self,
        classes: tuple[str, ...],
        intercept: npt.NDArray[np.float32],
        counts: npt.NDArray[np.integer[Any]],
        indices: npt.NDArray[np.integer[Any]],
        weights: npt.NDArray[np.float32],
    ) -> None:
        """``counts``: how many weights each feature has; ``indices`` and ``weights``: their classes
        and values, feature after feature."""
        self.classes = classes
        self._intercept = intercept
        weighted = np.flatnonzero(counts)
        # row 0 is the zeros every feature without weights reads
        self._rows = np.zeros(len(counts), dtype=np.int32)
        self._rows[weighted] = np.arange(1, len(weighted) + 1, dtype=np.int32)
        dense = np.zeros((len(weighted) + 1, len(classes)), dtype=np.float32)
        dense[np.repeat(self._rows[weighted], counts[weighted]), indices] = weights
        self._weights = dense

    @property
    def weights(self) -> int:
        """How many weights are not zero."""
        return int(np.count_nonzero(self._weights))

    def scores(self, vector: Vector) -> npt.NDArray[np.float32]:
        return vector.values @ self._weights[self._rows[vector.indices]] + self._intercept

    def probabilities(self, vector: Vector) -> dict[str, float]:
        scores = self.scores(vector).astype(np.float64)
        exps = np.exp(scores - scores.max())
        return dict(zip(self.classes, (exps / exps.sum()).tolist(), strict=True))


class ModelInfo(msgspec.Struct, frozen=True):
    corpus_digest: str
    """sha256 of the material the corpus was built from (``corpus.data_digest``)."""
    samples: int
    settings: dict[str, Any]


class Model:
    def __init__(self, info: ModelInfo, vocabulary: list[str], idf: Sequence[float], heads: dict[str, Head]) -> None:
        self.info = info
        self._index = dict(zip(vocabulary, range(len(vocabulary)), strict=True))
        # 8 bytes a feature, not a float object each (1.4 MB less); an item read is the same float
        self._idf = array("d", idf)
        self.heads = heads

    def vectorize(self, folded: str) -> Vector:
        index, idf = self._index, self._idf
        counts = Counter(i for f in features(folded) if (i := index.get(f)) is not None)
        raw = [(1.0 + math.log(n)) * idf[i] for i, n in counts.items()]
        norm = math.sqrt(sum(v * v for v in raw)) or 1.0
        return Vector(
            np.fromiter(counts, dtype=np.intp, count=len(counts)),
            np.fromiter((v / norm for v in raw), dtype=np.float32, count=len(raw)),
        )

    @property
    def vocabulary_size(self) -> int:
        return len(self._index)


def _fixed(values: list[float], scale: int) -> npt.NDArray[np.int32]:
    """``values``, rounded by the trainer to log10(scale) decimals, as integers: exact, or refused."""
    ints = np.rint(np.asarray(values, dtype=np.float64) * scale).astype(np.int32)
    if not np.array_equal(ints / scale, np.asarray(values, dtype=np.float64)):
        raise ValueError(f"a value has more than {len(str(scale)) - 1} decimals")
    return ints


def _text(value: str) -> npt.NDArray[np.uint8]:
    return np.frombuffer(value.encode(), dtype=np.uint8)


def encode_model(data: dict[str, Any]) -> bytes:
    """The model file for the trainer's ``data``: format, info, vocabulary, idf, and per head its
    classes, intercept and, by feature, ``indptr``, ``indices`` and ``weights``."""
    meta = {"format": FORMAT, "info": data["info"], "classes": {n: h["classes"] for n, h in data["heads"].items()}}
    vocabulary = data["vocabulary"]
    if any("\n" in f for f in vocabulary):
        raise ValueError("a feature holds a line break")
    arrays: dict[str, npt.NDArray[Any]] = {
        "meta": _text(json.dumps(meta, ensure_ascii=False, sort_keys=True)),
        "vocabulary": _text("\n".join(vocabulary)),
        "idf": _fixed(data["idf"], IDF_SCALE),
    }
    for name, head in data["heads"].items():
        if len(head["classes"]) > 255:
            raise ValueError(f"{name}: more classes than a byte counts")
        arrays[f"{name}.intercept"] = _fixed(head["intercept"], INTERCEPT_SCALE)
        arrays[f"{name}.counts"] = np.diff(np.asarray(head["indptr"])).astype(np.uint8)
        arrays[f"{name}.indices"] = np.asarray(head["indices"], dtype=np.uint8)
        arrays[f"{name}.weights"] = _fixed(head["weights"], WEIGHT_SCALE)
    out = io.BytesIO()
    np.savez_compressed(out, allow_pickle=False, **arrays)
    return out.getvalue()


def _floats(ints: npt.NDArray[np.int32], scale: int) -> npt.NDArray[np.float64]:
    """The float each integer's decimal (``ints / scale``) reads as: IEEE division is correctly
    rounded, so the same as parsing that decimal."""
    return ints.astype(np.float64) / scale


def read_model(raw: bytes) -> Model:
    with np.load(io.BytesIO(raw), allow_pickle=False) as arrays:
        meta = json.loads(arrays["meta"].tobytes())
        if meta.get("format") != FORMAT:
            raise ValueError(f"model file format {meta.get('format')!r}, expected {FORMAT}")
        vocabulary = arrays["vocabulary"].tobytes().decode().split("\n")
        heads = {
            name: Head(
                tuple(classes),
                _floats(arrays[f"{name}.intercept"], INTERCEPT_SCALE).astype(np.float32),
                arrays[f"{name}.counts"],
                arrays[f"{name}.indices"],
                _floats(arrays[f"{name}.weights"], WEIGHT_SCALE).astype(np.float32),
            )
            for name, classes in meta["classes"].items()
        }
        idf = _floats(arrays["idf"], IDF_SCALE).tolist()
    return Model(msgspec.convert(meta["info"], ModelInfo), vocabulary, idf, heads)


@cache
def load_model() -> Model:
    """The packaged model, read once per process."""
    return read_model(resources.files(__package__).joinpath(MODEL_FILE).read_bytes())
