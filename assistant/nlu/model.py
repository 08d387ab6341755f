"""The learned models at answer time: linear classifiers over TF-IDF features, scored with numpy.

``data/model.json.gz`` is written by ``motcua nlu train`` (:mod:`.train`, scikit-learn's logistic
regression) and read here without scikit-learn: a vocabulary, the inverse document frequency of
each feature, and per head (``intent``, ``procedure``) the classes, their intercepts and the
weights that matter, stored by feature (a sparse row each, unpacked into a dense float32 matrix
of a few MB when loaded: a message then costs one small matrix product per head, about 30 µs,
against ten times that for the same sums in plain Python). A message's vector is what
scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` computes: ``(1 + ln count) × idf`` per
feature, scaled to unit length; a head's probabilities are the softmax of its linear scores.

Pure: the only I/O is reading the packaged model file once.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from functools import cache
from importlib import resources
from typing import Any, Final, NamedTuple

import msgspec
import numpy as np
import numpy.typing as npt

from .features import features

__all__ = ("MODEL_FILE", "Head", "Model", "Vector", "load_model")

MODEL_FILE: Final = "data/model.json.gz"
FORMAT: Final = 1


class Vector(NamedTuple):
    """The features a message has (indices into the vocabulary) and their values, unit length."""

    indices: npt.NDArray[np.intp]
    values: npt.NDArray[np.float32]

    @property
    def empty(self) -> bool:
        return not len(self.indices)


class Head:
    """One classifier: probabilities of its classes for a vector."""

    def __init__(self, spec: dict[str, Any], features: int) -> None:
        self.classes: tuple[str, ...] = tuple(spec["classes"])
        self._intercept = np.asarray(spec["intercept"], dtype=np.float32)
        indptr = np.asarray(spec["indptr"], dtype=np.intp)
        weights = np.zeros((features, len(self.classes)), dtype=np.float32)
        rows = np.repeat(np.arange(features), np.diff(indptr))
        weights[rows, np.asarray(spec["indices"], dtype=np.intp)] = np.asarray(spec["weights"], dtype=np.float32)
        self._weights = weights

    @property
    def weights(self) -> int:
        """How many weights are not zero."""
        return int(np.count_nonzero(self._weights))

    def scores(self, vector: Vector) -> npt.NDArray[np.float32]:
        return vector.values @ self._weights[vector.indices] + self._intercept

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
    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("format") != FORMAT:
            raise ValueError(f"model file format {data.get('format')!r}, expected {FORMAT}")
        self.info = msgspec.convert(data["info"], ModelInfo)
        self._index = {f: i for i, f in enumerate(data["vocabulary"])}
        self._idf = [float(v) for v in data["idf"]]
        self.heads = {name: Head(spec, len(self._index)) for name, spec in data["heads"].items()}

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


def read_model(raw: bytes) -> Model:
    return Model(json.loads(gzip.decompress(raw)))


@cache
def load_model() -> Model:
    """The packaged model, read once per process."""
    return read_model(resources.files(__package__).joinpath(MODEL_FILE).read_bytes())
