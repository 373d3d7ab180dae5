"""Turning comments into features: the analyzer (``Tokens``) and the serving-time featurizer.

``Tokens`` gives a comment's features: lower-cased words and word bigrams,
optionally a light Dutch stem per word and the head and tail of long words (so
``klotesysteem`` and ``regeltjesneukers`` share features with ``klote`` and
``neukers``), optionally character n-grams.  ``featurize`` builds the same
tf-idf matrix scikit-learn's ``transform`` would, faster for small batches.
"""

import re
from collections import Counter

import numpy as np

# scikit-learn and scipy are imported where they are needed (training, the older
# pickled models): the serving path (moderation.ml.linear) needs only numpy, so a
# worker starts without importing them.

WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W\d_]+)?|[@#]\w+")
SUFFIXES = frozenset(
    (
        "heden",
        "tjes",
        "jes",
        "tje",
        "je",
        "ende",
        "ingen",
        "ing",
        "sten",
        "ste",
        "eren",
        "ere",
        "en",
        "er",
        "es",
        "'s",
        "s",
        "e",
    )
)
SUFFIX_LENGTHS = sorted({len(s) for s in SUFFIXES}, reverse=True)


def stem(word: str) -> str:
    """A light Dutch stemmer: strips the longest inflection or diminutive suffix that
    leaves three letters, then undoubles a final consonant (gemeenten: gemeent)."""
    for n in SUFFIX_LENGTHS:
        if len(word) - n >= 3 and word[-n:] in SUFFIXES:
            word = word[:-n]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


class Tokens:
    """The analyzer: a comment's features.  ``pairs`` ties each feature to the word it came from.

    The features of each distinct word are cached on the instance (not pickled), so
    a comment costs a few dictionary look-ups per word at serving time."""

    CACHE_LIMIT = 200_000

    def __init__(self, word_ngrams=2, stem=True, affixes=True, char_ngrams=None):
        self.word_ngrams = word_ngrams
        self.stem = stem
        self.affixes = affixes
        self.char_ngrams = tuple(char_ngrams) if char_ngrams else None

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("_cache", "_columns", "_origins")}

    def __call__(self, text: str) -> list[str]:
        words = WORD.findall(text.lower())
        out = []
        for w in words:
            out += self.features_of(w)
        if self.word_ngrams >= 2:
            out += [f"{a} {b}" for a, b in zip(words, words[1:])]
        return out

    def columns(self, text: str, vocabulary: dict) -> list[int]:
        """The vocabulary columns of the text's features (what ``__call__`` gives, looked up),
        with each word's columns cached: the serving path."""
        words = WORD.findall(text.lower())
        cache = self.__dict__.setdefault("_columns", {})
        if len(cache) > self.CACHE_LIMIT:
            cache.clear()
        get = vocabulary.get
        out = []
        for w in words:
            known = cache.get(w)
            if known is None:
                known = cache[w] = tuple(j for j in map(get, self.features_of(w)) if j is not None)
            out += known
        if self.word_ngrams >= 2:
            out += [j for j in map(get, [f"{a} {b}" for a, b in zip(words, words[1:])]) if j is not None]
        return out

    def features_of(self, w: str) -> tuple[str, ...]:
        """``word_features``, cached per word on the instance, with each derived feature's
        word remembered for ``origin``."""
        cache = self.__dict__.setdefault("_cache", {})
        features = cache.get(w)
        if features is None:
            origins = self.__dict__.setdefault("_origins", {})
            if len(cache) > self.CACHE_LIMIT:
                cache.clear()
                origins.clear()
            features = cache[w] = self.word_features(w)
            for feature in features[1:]:
                origins.setdefault(feature, w)
        return features

    def word_features(self, w: str) -> tuple[str, ...]:
        """The features of one lower-cased word: itself, its stem, head and tail, char n-grams."""
        out = [w]
        if self.stem:
            out.append("~" + stem(w))
        if self.affixes and len(w) >= 8:
            out += [w[:5] + "-", "-" + w[-5:]]
        if self.char_ngrams:
            lo, hi = self.char_ngrams
            padded = f" {w} "
            out += [padded[i : i + n] for n in range(lo, hi + 1) for i in range(len(padded) - n + 1)]
        return tuple(out)

    def pairs(self, text: str) -> list[tuple[str, str]]:
        words = WORD.findall(text)
        lower = [w.lower() for w in words]
        out = [(f, s) for w, s in zip(lower, words) for f in self.word_features(w)]
        if self.word_ngrams >= 2:
            out += [(f"{a} {b}", f"{sa} {sb}") for a, b, sa, sb in zip(lower, lower[1:], words, words[1:])]
        return out

    def origin(self, feature: str, words: list[str], present: set) -> str:
        """The word of ``words`` (lower-cased; ``present`` is their set) a derived feature
        (stem, head, tail, char n-gram) came from: how evidence shows it as a word."""
        word = self.__dict__.get("_origins", {}).get(feature)
        if word in present:
            return word
        return next((w for w in words if feature in self.features_of(w)), feature.strip("~- "))


class Rows:
    """A batch's feature matrix as the three arrays of a CSR matrix.  Scoring and evidence
    work on the arrays directly: building a scipy matrix costs more than the arithmetic for
    one comment.  ``csr()`` gives the scipy matrix for scikit-learn."""

    __slots__ = ("indptr", "indices", "data", "n_features")

    def __init__(self, indptr, indices, data, n_features):
        self.indptr, self.indices, self.data, self.n_features = indptr, indices, data, n_features

    @classmethod
    def of(cls, matrix) -> "Rows":
        from scipy import sparse

        matrix = sparse.csr_matrix(matrix)
        return cls(matrix.indptr.astype(np.int64), matrix.indices, matrix.data.astype(np.float64), matrix.shape[1])

    @property
    def shape(self):
        return (len(self.indptr) - 1, self.n_features)

    def row_ids(self):
        """The row of each stored value."""
        return np.repeat(np.arange(len(self.indptr) - 1), np.diff(self.indptr))

    def take(self, rows) -> "Rows":
        """The rows ``rows`` (a list of row numbers), in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, lengths = self.indptr[rows], np.diff(self.indptr)[rows]
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        picked = np.arange(indptr[-1]) - np.repeat(indptr[:-1] - starts, lengths)
        return Rows(indptr, self.indices[picked], self.data[picked], self.n_features)

    def dot(self, weights) -> np.ndarray:
        """``matrix @ weights.T`` for dense ``weights`` of shape (k, n_features)."""
        rows, n = self.row_ids(), len(self.indptr) - 1
        return np.column_stack([np.bincount(rows, weights=self.data * w[self.indices], minlength=n) for w in weights])

    def csr(self):
        from scipy import sparse

        return sparse.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)


def featurize(model, texts: list[str]) -> Rows:
    """The feature matrix of ``texts`` (computed once, shared by scoring and evidence).

    For the usual vectorizer (a vocabulary, sublinear tf, idf, l2 norm) this is the
    same matrix ``transform`` gives, built without scikit-learn's per-call checks,
    which cost more than the arithmetic for one comment (tests/test_textmodel.py
    holds the two equal).  A served model (moderation.ml.linear) asks its feature
    space, which keeps the last batch: the second task reads the same rows."""
    space = getattr(model, "space", None)
    if space is not None:
        return space.rows(texts)
    from sklearn.feature_extraction.text import TfidfVectorizer

    features = model.named_steps["features"]
    if not (
        isinstance(features, TfidfVectorizer)
        and callable(features.analyzer)
        and features.sublinear_tf
        and features.use_idf
        and features.norm == "l2"
    ):
        return Rows.of(features.transform(texts))
    vocabulary, analyzer = features.vocabulary_, features.analyzer
    indices, counts, indptr = [], [], [0]
    for text in texts:
        row = (
            Counter(analyzer.columns(text, vocabulary))
            if isinstance(analyzer, Tokens)
            else Counter(j for j in map(vocabulary.get, analyzer(text)) if j is not None)
        )
        indices += row.keys()
        counts += row.values()
        indptr.append(len(indices))
    columns = np.asarray(indices, dtype=np.int32)
    data = (np.log(np.asarray(counts, dtype=np.float64)) + 1.0) * features.idf_[columns]
    rows = np.repeat(np.arange(len(texts)), np.diff(indptr))
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(texts)))
    data /= np.where(norms > 0, norms, 1.0)[rows]
    return Rows(np.asarray(indptr, dtype=np.int64), columns, data, len(vocabulary))


def feature_names(features):
    """Feature names by column (None for hashing), kept on the vectorizer after the first
    call; ``prepare`` computes them before an artefact is written, so serving never waits."""
    from sklearn.pipeline import Pipeline

    if isinstance(features, Pipeline):
        return None
    names = getattr(features, "evidence_names_", None)
    if names is None:
        names = features.evidence_names_ = features.get_feature_names_out()
    return names


def analyzer_of(pipeline) -> Tokens | None:
    space = getattr(pipeline, "space", None)
    if space is not None:
        return space.analyzer
    from sklearn.pipeline import Pipeline

    features = pipeline.named_steps["features"]
    if isinstance(features, Pipeline):
        features = features.named_steps.get("hash")
    analyzer = getattr(features, "analyzer", None)
    return analyzer if isinstance(analyzer, Tokens) else None


def feature_index(features):
    from sklearn.pipeline import Pipeline

    if isinstance(features, Pipeline):
        hasher = features.named_steps["hash"]
        n = hasher.n_features
        from sklearn.utils import murmurhash3_32

        return lambda f: abs(murmurhash3_32(f, seed=0)) % n
    return features.vocabulary_.get
