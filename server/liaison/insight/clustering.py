"""Grouping opinion texts into topics: pure functions, no database (``insight.topics`` reads
and stores; this module only decides).

How (README "Recurring topics"): each text becomes a TF-IDF vector over its words and
its character 2–3-grams (``insight.text.TextVectorizer``, place names left out so a topic
is a matter, not a street); texts are joined by agglomerative clustering with average
linkage on the cosine distance, stopping at ``DISTANCE_THRESHOLD``: two groups merge only
while their texts are, on average, at least ``1 - DISTANCE_THRESHOLD`` alike. A group of
fewer than ``MIN_TOPIC_SIZE`` opinions is no topic (its opinions count as unclustered).

Large periods: above ``DIRECT_LIMIT`` texts the full distance matrix would not fit, so
the clustering runs on a seeded sample of ``DIRECT_LIMIT`` texts, every other text joins
the topic whose centroid is nearest when it is within ``ASSIGN_SIMILARITY``, and what
joins none is clustered again the same way (at most ``ROUNDS`` rounds).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from .text import TextVectorizer

DISTANCE_THRESHOLD = 0.93
MIN_TOPIC_SIZE = 3
DIRECT_LIMIT = 3000
ASSIGN_SIMILARITY = 0.3
ROUNDS = 4
KEYWORDS = 5
EXAMPLES = 3


@dataclass
class Item:
    """One opinion as the clustering sees it."""

    id: int
    text: str
    station_id: int | None = None
    number: str = ""


@dataclass
class Topic:
    label: str
    keywords: list[str]
    members: list[int]  # indexes into the items, most central first
    previous: int = 0  # opinions of the previous period that fall in this topic
    centroid: object = field(default=None, repr=False)


def _agglomerate(matrix, threshold: float) -> list[list[int]]:
    """Groups (row indexes) of ``matrix`` by average-linkage clustering on cosine distance."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    n = matrix.shape[0]
    if n == 0:
        return []
    if n == 1:
        return [[0]]
    similarity = (matrix @ matrix.T).toarray().astype(np.float32)
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    # A text without any feature is alike nothing (not even another empty one).
    empty = np.asarray(matrix.getnnz(axis=1) == 0)
    distance[empty, :] = 2.0
    distance[:, empty] = 2.0
    np.fill_diagonal(distance, 0.0)
    labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                     distance_threshold=threshold).fit_predict(distance)
    groups: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        groups.setdefault(int(label), []).append(row)
    return list(groups.values())


def _centroid(matrix, rows):
    import numpy as np
    from sklearn.preprocessing import normalize as l2

    return l2(np.asarray(matrix[rows].mean(axis=0)))


def group(matrix, threshold: float = DISTANCE_THRESHOLD, limit: int = DIRECT_LIMIT,
          seed: int = 17) -> list[list[int]]:
    """Groups of row indexes (every row in exactly one group)."""
    import numpy as np

    n = matrix.shape[0]
    if n <= limit:
        return _agglomerate(matrix, threshold)
    rng = np.random.default_rng(seed)
    left = np.arange(n)
    groups: list[list[int]] = []
    for _ in range(ROUNDS):
        if len(left) <= limit:
            groups += [[int(left[i]) for i in g] for g in _agglomerate(matrix[left], threshold)]
            left = np.array([], dtype=int)
            break
        sample = np.sort(rng.choice(left, size=limit, replace=False))
        found = [[int(sample[i]) for i in g] for g in _agglomerate(matrix[sample], threshold)]
        keep = [g for g in found if len(g) >= MIN_TOPIC_SIZE]
        rest = np.setdiff1d(left, np.array([i for g in keep for i in g], dtype=int))
        if keep:
            centroids = np.vstack([_centroid(matrix, g) for g in keep])
            sims = np.asarray(matrix[rest] @ centroids.T)
            best = sims.argmax(axis=1)
            near = sims[np.arange(len(rest)), best] >= ASSIGN_SIMILARITY
            for row, topic in zip(rest[near], best[near]):
                keep[int(topic)].append(int(row))
            rest = rest[~near]
        groups += keep
        if len(rest) == len(left):  # nothing found this round: the rest stay alone
            break
        left = rest
    groups += [[int(i)] for i in left]
    return groups


def label_of(keywords: Sequence[str]) -> str:
    """The topic's short label from its keywords (most shared first): the first keyword,
    or a domain word among the first three that contains it (电梯 → 加装电梯), then the
    next of the first three that shares no two characters in a row with it (路灯、晚上;
    电动车、充电 but not 物业公司、物业费)."""
    from .text import DOMAIN_WORDS

    if not keywords:
        return "其他"
    top = list(keywords[:3])
    head = next((k for k in top if k != top[0] and top[0] in k and k in DOMAIN_WORDS), top[0])
    def pairs(word):
        return {word[i:i + 2] for i in range(len(word) - 1)} or {word}

    second = next((k for k in top if k != head and not pairs(k) & pairs(head)), None)
    return f"{head}、{second}" if second else head


def find_topics(items: Sequence[Item], previous: Sequence[Item] = (), ignore=(),
                threshold: float = DISTANCE_THRESHOLD, min_size: int = MIN_TOPIC_SIZE):
    """``(topics, unclustered)``: topics largest first, each with its members (indexes into
    ``items``, most central first), label, keywords and how many ``previous`` opinions
    fall in it; ``unclustered`` the count of items in no topic."""
    import numpy as np

    if not items:
        return [], 0
    vectorizer = TextVectorizer(ignore=ignore)
    matrix = vectorizer.fit_transform([i.text for i in items])
    topics: list[Topic] = []
    for rows in group(matrix, threshold):
        if len(rows) < min_size:
            continue
        centroid = _centroid(matrix, rows)
        closeness = np.asarray(matrix[rows] @ centroid.T).ravel()
        ordered = [rows[i] for i in np.argsort(-closeness, kind="stable")]
        keywords = vectorizer.keywords(rows, KEYWORDS)
        topics.append(Topic(label=label_of(keywords), keywords=keywords, members=ordered, centroid=centroid))
    topics.sort(key=lambda t: (-len(t.members), t.label))
    if previous and topics:
        before = vectorizer.transform([i.text for i in previous])
        centroids = np.vstack([t.centroid for t in topics])
        sims = np.asarray(before @ centroids.T)
        best = sims.argmax(axis=1)
        for row, topic in enumerate(best):
            if sims[row, topic] >= ASSIGN_SIMILARITY:
                topics[int(topic)].previous += 1
    unclustered = len(items) - sum(len(t.members) for t in topics)
    return topics, unclustered


def trend(size: int, previous: int) -> dict:
    """Against the previous period of the same length: ``new`` when none fell in it then."""
    if previous == 0:
        direction = "new"
    elif size > previous:
        direction = "up"
    elif size < previous:
        direction = "down"
    else:
        direction = "flat"
    return {"previous": previous, "change": size - previous, "direction": direction}
