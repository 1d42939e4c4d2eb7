"""Versions of a draft: which article of the new version continues which article of the previous one, the
comments carried over to it, and the per-article diff shown to the public.

Matching (difflib over words): an article keeps its partner when the number is the same and the texts are at
least `SAME_NUMBER_RATIO` alike, or, renumbered, when the texts are at least `MOVED_RATIO` alike. Pairs are
taken best first, one to one. A comment follows its article; one whose article (or clause) has no partner is
flagged for the drafting team (`AnchorStatus.UNMATCHED`), never dropped.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from consultation.models import AnchorStatus, Article, ArticleChange, Clause, Comment

SAME_NUMBER_RATIO = 0.5
MOVED_RATIO = 0.75
CLAUSE_RATIO = 0.5
_WORDS = re.compile(r"\S+")


def words(text: str) -> list[str]:
    return _WORDS.findall(text.casefold())


def similarity(a: Sequence[str], b: Sequence[str], *, floor: float = 0.0) -> float:
    """difflib's ratio of two word lists; 0.0 as soon as the cheap upper bounds show it is below `floor`."""
    if not a and not b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


@dataclass(frozen=True)
class Pair:
    old: Article
    new: Article
    ratio: float

    @property
    def change(self) -> ArticleChange:
        if self.old.number != self.new.number:
            return ArticleChange.MOVED
        return ArticleChange.SAME if self.ratio == 1.0 else ArticleChange.CHANGED


def match_articles(old: list[Article], new: list[Article]) -> dict[int, Pair]:
    """Pairs of (previous article → new article), keyed by the previous article's pk; one to one, best first."""
    old_words = {article.pk: words(article.full_text()) for article in old}
    new_words = {article.pk: words(article.full_text()) for article in new}
    candidates: list[tuple[float, int, Article, Article]] = []
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for b in new:
        matcher.set_seq2(new_words[b.pk])  # difflib indexes the second sequence: once per new article
        for a in old:
            same_number = a.number == b.number
            floor = SAME_NUMBER_RATIO if same_number else MOVED_RATIO
            matcher.set_seq1(old_words[a.pk])
            if not old_words[a.pk] and not new_words[b.pk]:
                ratio = 1.0
            elif matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
                continue
            else:
                ratio = matcher.ratio()
            if ratio >= floor:
                candidates.append((ratio + (0.1 if same_number else 0.0), -b.position, a, b))
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    pairs: dict[int, Pair] = {}
    taken: set[int] = set()
    for score, _position, a, b in candidates:
        if a.pk in pairs or b.pk in taken:
            continue
        ratio = score - (0.1 if a.number == b.number else 0.0)
        pairs[a.pk] = Pair(a, b, 1.0 if old_words[a.pk] == new_words[b.pk] else round(ratio, 4))
        taken.add(b.pk)
    return pairs


def link_versions(old: list[Article], new: list[Article]) -> dict[int, Pair]:
    """Record on each new article where it came from (for the diff); return the pairs for carrying comments."""
    pairs = match_articles(old, new)
    by_new = {pair.new.pk: pair for pair in pairs.values()}
    for article in new:
        pair = by_new.get(article.pk)
        if pair is None:
            article.previous, article.change, article.similarity = None, ArticleChange.NEW, None
        else:
            article.previous, article.change, article.similarity = pair.old, pair.change, pair.ratio
    Article.objects.bulk_update(new, ["previous", "change", "similarity"])
    return pairs


def _match_clause(clause: Clause, candidates: list[Clause]) -> Clause | None:
    target = words(clause.text)
    best: tuple[float, Clause] | None = None
    for other in candidates:
        ratio = similarity(target, words(other.text), floor=CLAUSE_RATIO)
        if other.number == clause.number and ratio >= CLAUSE_RATIO:
            ratio += 0.1
        if ratio >= CLAUSE_RATIO and (best is None or ratio > best[0]):
            best = (ratio, other)
    return best[1] if best else None


def carry_comments(comments: list[Comment], pairs: dict[int, Pair], new: list[Article], version_number: int) -> int:
    """Attach each comment to the new version's article (and clause) continuing the one it sits on.

    A comment with no place in the previous version (whole-draft comments) stays as it is. One whose article
    is unmatched is tried once more from the article it was made on; if still unmatched it is flagged.
    Returns the number of comments flagged.
    """
    clauses_of: dict[int, list[Clause]] = {article.pk: list(article.clauses.all()) for article in new}
    flagged = 0
    made_on_pairs: dict[int, Pair] | None = None
    for comment in comments:
        source = comment.article if comment.article_id else None
        if source is None and not comment.article_made_on_id:
            continue  # a comment on the whole draft
        pair = pairs.get(source.pk) if source is not None else None
        if pair is None and comment.article_made_on is not None:
            if made_on_pairs is None:
                made_on_pairs = {}
            original = comment.article_made_on
            if original.pk not in made_on_pairs:
                found = match_articles([original], new)
                if original.pk in found:
                    made_on_pairs[original.pk] = found[original.pk]
            pair = made_on_pairs.get(original.pk)
        if pair is None:
            old_label = f"Điều {(source or comment.article_made_on).number}"  # type: ignore[union-attr]
            comment.article, comment.clause = None, None
            comment.anchor_status = AnchorStatus.UNMATCHED
            comment.anchor_note = f"{old_label} không còn điều tương ứng trong phiên bản {version_number}"
            flagged += 1
            continue
        comment.article = pair.new
        comment.anchor_status = {
            ArticleChange.SAME: AnchorStatus.SAME,
            ArticleChange.CHANGED: AnchorStatus.CHANGED,
            ArticleChange.MOVED: AnchorStatus.MOVED,
        }[pair.change]
        comment.anchor_note = (
            f"Góp ý cho Điều {comment.article_made_on.number} (phiên bản {comment.version.number}); "  # type: ignore[union-attr]
            f"nay là Điều {pair.new.number} (phiên bản {version_number})"
        )
        source_clause = comment.clause if comment.clause_id else comment.clause_made_on
        comment.clause = None
        if source_clause is not None:
            comment.clause = _match_clause(source_clause, clauses_of[pair.new.pk])
            if comment.clause is None:
                comment.anchor_status = AnchorStatus.UNMATCHED
                comment.anchor_note = (
                    f"Khoản {source_clause.number} Điều {pair.old.number} không còn khoản tương ứng "
                    f"trong Điều {pair.new.number} (phiên bản {version_number})"
                )
                flagged += 1
    Comment.objects.bulk_update(comments, ["article", "clause", "anchor_status", "anchor_note"], batch_size=500)
    return flagged


def word_diff(old: str, new: str) -> SafeString:
    """Inline diff, word by word, as HTML: <del> removed, <ins> added; every word escaped."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return mark_safe(" ".join(out))  # noqa: S308 - every piece of text above is escaped


@dataclass(frozen=True)
class ArticleDiff:
    article: Article | None  # in the newer version; None for an article removed
    previous: Article | None
    change: str
    html: SafeString


def diff_versions(old_articles: list[Article], new_articles: list[Article]) -> list[ArticleDiff]:
    """The per-article diff between two consecutive versions, in the new version's order, removed ones last."""
    kept: set[int] = set()
    rows: list[ArticleDiff] = []
    for article in new_articles:
        previous = article.previous
        if previous is not None:
            kept.add(previous.pk)
            html = word_diff(previous.full_text(), article.full_text())
            rows.append(ArticleDiff(article, previous, article.change, html))
        else:
            rows.append(ArticleDiff(article, None, ArticleChange.NEW, word_diff("", article.full_text())))
    for previous in old_articles:
        if previous.pk not in kept:
            rows.append(ArticleDiff(None, previous, "removed", word_diff(previous.full_text(), "")))
    return rows
