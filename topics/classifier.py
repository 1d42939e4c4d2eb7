"""The topic classifier: Vietnamese syllable tokens, keyword rules and a multinomial naive Bayes model.

Why no word segmenter: Vietnamese writes words as space-separated syllables ("sổ đỏ", "đèn đường"). A segmenter
(pyvi, underthesea) joins them into words, but pyvi pulls in scikit-learn, SciPy and a CRF library and
underthesea more still, for a gain a topic model mostly gets from syllable pairs: every adjacent pair of syllables
is a feature besides the syllables themselves, so "đèn đường" (street light) and "mặt đường" (road surface) are
told apart as a segmenter would. The whole classifier is plain Python with no dependency.

The prediction is explainable: a petition's score for a topic is the sum of the log-probabilities of its tokens
under that topic (naive Bayes, Laplace-smoothed, trained on the petitions officials have confirmed), plus a bonus
for each of the topic's keywords found (administrators' rules); the words shown with the suggestion are those that
pulled most towards the chosen topic against the others. With no trained model yet, the rules alone decide.

Texts are read, never logged or stored beyond the few evidence words kept with the petition.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# Old-style tone placement ("hoà", "thuỷ") written as the new style ("hòa", "thủy"), so both spellings are one token.
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
# Only at the end of a syllable ("hoàn", "quý" are written so in both styles).
_OLD_STYLE = re.compile(
    r"([oO])([aeAE])([" + _TONES + r"])(?![^\W\d_])|(?<![qQ])([uU])([yY])([" + _TONES + r"])(?![^\W\d_])"
)
_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)

# Function words that say nothing about a topic.
_STOPWORDS = """
    và của là có được cho các những một này đó thì mà với tại trong ngoài trên dưới để đã đang sẽ rất cũng không
    chưa như khi nếu vì nên do bị theo về từ đến ra vào lại nhưng hay hoặc nhiều ít ông bà anh chị em tôi chúng
    ta mình họ nó gia đình xin đề nghị kính gửi đơn ngày tháng năm nay hiện việc người nhà xã phường thôn ấp tổ
    khu phố số sự còn đây kia ai gì nào sao bao làm giúp cần phải vẫn
"""
STOPWORDS = frozenset(_STOPWORDS.split())


def normalize(text: str) -> str:
    """Lower-case NFC text with one tone placement for each syllable."""
    decomposed = unicodedata.normalize("NFD", text.casefold())

    def new_style(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1) + match.group(3) + match.group(2)
        return match.group(4) + match.group(6) + match.group(5)

    return unicodedata.normalize("NFC", _OLD_STYLE.sub(new_style, decomposed))


def syllables(text: str) -> list[str]:
    return _SYLLABLE.findall(normalize(text))


def tokens(text: str) -> list[str]:
    """The features of a text: its syllables (not function words) and each pair of adjacent syllables."""
    words = syllables(text)
    found = [word for word in words if word not in STOPWORDS and len(word) > 1]
    found += [f"{a} {b}" for a, b in itertools.pairwise(words) if not (a in STOPWORDS and b in STOPWORDS)]
    return found


@dataclass(frozen=True)
class Keywords:
    """A topic's keywords as syllable sequences, matched on whole syllables."""

    code: str
    phrases: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, code: str, keywords: Iterable[str]) -> Keywords:
        phrases = {tuple(syllables(keyword)) for keyword in keywords}
        return cls(code, tuple(sorted(phrase for phrase in phrases if phrase)))


def keyword_matches(keywords: Sequence[Keywords], words: Sequence[str]) -> dict[str, list[str]]:
    """Each topic's keywords found in `words`, longest first and without overlap: in "đèn đường" (street light,
    electricity) the syllable "đường" (road, traffic) is not counted again."""
    by_phrase: dict[tuple[str, ...], list[str]] = {}
    for item in keywords:
        for phrase in item.phrases:
            by_phrase.setdefault(phrase, []).append(item.code)
    longest = max((len(phrase) for phrase in by_phrase), default=0)
    found: dict[str, list[str]] = {item.code: [] for item in keywords}
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            codes = by_phrase.get(tuple(words[i : i + size]))
            if codes:
                for code in codes:
                    found[code].append(" ".join(words[i : i + size]))
                i += size
                break
        else:
            i += 1
    return found


# A keyword's weight, per syllable, in log-odds: with a model, a strong hint; alone, the rules' only signal.
KEYWORD_WEIGHT = 1.0
# The confidence the rules alone give at most: they are guesses until a model has learnt from officials.
RULES_MAX_CONFIDENCE = 0.8
EVIDENCE_WORDS = 5
# A token enters the model's vocabulary only if it is in this many training petitions: a name or an address
# that appears in one petition never becomes a feature (nor, then, evidence shown to anyone).
MIN_DOCUMENT_FREQUENCY = 2
MAX_VOCABULARY = 30000


@dataclass(frozen=True)
class Prediction:
    code: str
    confidence: float
    evidence: list[str] = field(default_factory=list)


@dataclass
class NaiveBayes:
    """Multinomial naive Bayes over token counts. `classes` are topic codes; `log_prior[c]`, `log_unseen[c]` and
    `log_likelihood[token][i]` (i: index in `classes`) are natural logarithms."""

    classes: list[str]
    log_prior: list[float]
    log_unseen: list[float]
    log_likelihood: dict[str, list[float]]

    @classmethod
    def train(
        cls, texts: Sequence[str], labels: Sequence[str], classes: Sequence[str], alpha: float = 1.0
    ) -> NaiveBayes:
        documents = [Counter(tokens(text)) for text in texts]
        frequency: Counter[str] = Counter()
        for document in documents:
            frequency.update(document.keys())
        vocabulary = [token for token, df in frequency.most_common(MAX_VOCABULARY) if df >= MIN_DOCUMENT_FREQUENCY]
        known = set(vocabulary)
        index = {code: i for i, code in enumerate(classes)}
        counts = [Counter[str]() for _ in classes]
        class_documents = [0] * len(classes)
        for document, label in zip(documents, labels, strict=True):
            i = index[label]
            class_documents[i] += 1
            counts[i].update({token: n for token, n in document.items() if token in known})
        size = len(vocabulary)
        totals = [sum(count.values()) for count in counts]
        log_unseen = [math.log(alpha / (total + alpha * max(size, 1))) for total in totals]
        log_likelihood = {
            token: [math.log((counts[i][token] + alpha) / (totals[i] + alpha * size)) for i in range(len(classes))]
            for token in vocabulary
        }
        documents_total = len(documents)
        log_prior = [math.log((n + 1) / (documents_total + len(classes))) for n in class_documents]
        return cls(list(classes), log_prior, log_unseen, log_likelihood)

    def to_json(self) -> dict[str, Any]:
        return {
            "classes": self.classes,
            "log_prior": self.log_prior,
            "log_unseen": self.log_unseen,
            "log_likelihood": self.log_likelihood,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NaiveBayes:
        return cls(data["classes"], data["log_prior"], data["log_unseen"], data["log_likelihood"])

    def scores(self, counted: Counter[str]) -> tuple[list[float], dict[str, list[float]]]:
        """Each class's log score, and each known token's contribution to each class."""
        total = list(self.log_prior)
        contributions: dict[str, list[float]] = {}
        for token, n in counted.items():
            row = self.log_likelihood.get(token)
            if row is None:
                continue  # unseen in training: equal for all classes up to smoothing; ignored
            contributions[token] = [n * value for value in row]
            for i, value in enumerate(row):
                total[i] += n * value
        return total, contributions


class Classifier:
    """Keyword rules over the active topics, and the trained model when there is one."""

    def __init__(self, keywords: Sequence[Keywords], model: NaiveBayes | None = None, fallback: str = "other") -> None:
        self.keywords = list(keywords)
        self.model = model
        self.fallback = fallback
        self.codes = [k.code for k in self.keywords]

    def predict(self, text: str) -> Prediction:
        words = syllables(text)
        matched = keyword_matches(self.keywords, words)
        if self.model is None:
            return self._by_rules(matched)
        return self._by_model(text, matched)

    def _by_rules(self, matched: dict[str, list[str]]) -> Prediction:
        weight = {code: sum(len(phrase.split()) for phrase in found) for code, found in matched.items()}
        total = sum(weight.values())
        if total == 0:
            return Prediction(self.fallback, round(1 / max(len(self.codes), 1), 4), [])
        code = max(self.codes, key=lambda c: (weight[c], -self.codes.index(c)))
        confidence = RULES_MAX_CONFIDENCE * weight[code] / total
        evidence = [word for word, _n in Counter(matched[code]).most_common(EVIDENCE_WORDS)]
        return Prediction(code, round(confidence, 4), evidence)

    def _by_model(self, text: str, matched: dict[str, list[str]]) -> Prediction:
        model = self.model
        assert model is not None
        counted = Counter(tokens(text))
        # Topics the model has not seen (added since it was trained) compete with their keywords and a uniform
        # likelihood; topics retired since are not offered.
        offered = [code for code in self.codes]
        model_scores, contributions = model.scores(counted)
        known_tokens = sum(n for token, n in counted.items() if token in model.log_likelihood)
        position = {code: i for i, code in enumerate(model.classes)}
        score: dict[str, float] = {}
        for code in offered:
            i = position.get(code)
            base = model_scores[i] if i is not None else min(model.log_unseen) * known_tokens + min(model.log_prior)
            bonus = KEYWORD_WEIGHT * sum(len(phrase.split()) for phrase in matched.get(code, []))
            score[code] = base + bonus
        if not score:
            return Prediction(self.fallback, 0.0, [])
        best = max(score.values())
        exp = {code: math.exp(value - best) for code, value in score.items()}
        total = sum(exp.values())
        code = max(offered, key=lambda c: score[c])
        confidence = exp[code] / total
        evidence = self._evidence(code, contributions, position, matched.get(code, []))
        return Prediction(code, round(confidence, 4), evidence)

    @staticmethod
    def _evidence(
        code: str, contributions: dict[str, list[float]], position: dict[str, int], keywords: list[str]
    ) -> list[str]:
        """The tokens that pulled most towards `code` against the average of the other topics, then its keywords."""
        i = position.get(code)
        pull: dict[str, float] = {}
        if i is not None and len(position) > 1:
            for token, row in contributions.items():
                others = (sum(row) - row[i]) / (len(row) - 1)
                if row[i] > others:
                    pull[token] = row[i] - others
        ranked = [token for token, _v in sorted(pull.items(), key=lambda item: -item[1])]
        # A pair of syllables says more than either syllable alone: keep a syllable only if no kept pair has it.
        chosen: list[str] = []
        for token in [*keywords, *ranked]:
            if token in chosen or any(token in kept.split() for kept in chosen if " " in kept):
                continue
            chosen.append(token)
            if len(chosen) == EVIDENCE_WORDS:
                break
        return chosen


def accuracy(classifier: Classifier, texts: Sequence[str], labels: Sequence[str]) -> float | None:
    if not texts:
        return None
    right = sum(1 for text, label in zip(texts, labels, strict=True) if classifier.predict(text).code == label)
    return right / len(texts)
