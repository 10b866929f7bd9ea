"""Topics found in a hand-made set of opinions match its themes (issue 17, Done means).

``tests/data/topics_opinions.json``: 203 opinions written for this test, on 10 themes
(加装电梯, 路灯, 停车, 占道经营, 垃圾, 噪音, 积水, 物业, 电动车充电, 公交; 17–21 each, in the
words residents use, with 22 groups of near-identical texts) and 22 singletons, each
on a matter of its own.

Measures (README "Recurring topics"): a topic's theme is the theme most of its opinions
have. **Precision**: of the opinions placed in a topic, the share whose theme is their
topic's theme (a singleton in a topic counts against it). **Recall**: of the opinions of
the 10 themes, the share placed in a topic of their own theme. On this set the
clustering (``insight.clustering``, distance threshold 0.93, topics of 3 or more)
reaches precision 0.96 and recall 0.86; the test holds it to at least 0.93 and 0.80.
The threshold was chosen on this set, so these numbers are its best case, not a promise
for every district's opinions.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from liaison.insight.clustering import MIN_TOPIC_SIZE, Item, find_topics

DATA = Path(__file__).resolve().parents[1] / "data" / "topics_opinions.json"
PRECISION, RECALL = 0.93, 0.80


@pytest.fixture(scope="module")
def found():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    opinions = data["opinions"]
    items = [Item(id=o["id"], text=o["text"]) for o in opinions]
    topics, unclustered = find_topics(items)
    topic_of = {items[m].id: n for n, t in enumerate(topics) for m in t.members}
    return data, opinions, topics, unclustered, topic_of


def test_the_set_is_what_the_test_says():
    data = json.loads(DATA.read_text(encoding="utf-8"))
    opinions = data["opinions"]
    themes = Counter(o["theme"] for o in opinions if o["theme"])
    assert len(opinions) >= 200 and len(themes) >= 8 and min(themes.values()) >= 15
    assert sum(1 for o in opinions if not o["theme"]) >= 15
    groups = Counter(o["near_duplicates"] for o in opinions if o["near_duplicates"])
    assert len(groups) >= 15 and min(groups.values()) >= 2
    assert len({o["text"] for o in opinions}) == len(opinions)  # near-identical, never equal


def test_topics_match_the_themes_with_the_stated_precision_and_recall(found):
    data, opinions, topics, unclustered, topic_of = found
    theme = {o["id"]: o["theme"] or f"single-{o['id']}" for o in opinions}
    majority = {}
    for n, t in enumerate(topics):
        counts = Counter(theme[opinions[m]["id"]] for m in t.members)
        majority[n] = counts.most_common(1)[0][0]
    placed = [o for o in opinions if o["id"] in topic_of]
    precision = sum(theme[o["id"]] == majority[topic_of[o["id"]]] for o in placed) / len(placed)
    themed = [o for o in opinions if o["theme"]]
    recall = sum(o["id"] in topic_of and majority[topic_of[o["id"]]] == o["theme"] for o in themed) / len(themed)
    assert precision >= PRECISION, f"precision {precision:.3f}"
    assert recall >= RECALL, f"recall {recall:.3f}"
    # Every theme is found, at least a quarter of it in one topic (垃圾 splits into 清运,
    # 垃圾桶 and 垃圾分类: 5, 5 and 4 of 19).
    for name in data["themes"]:
        ids = [o["id"] for o in themed if o["theme"] == name]
        largest = Counter(topic_of[i] for i in ids if i in topic_of).most_common(1)
        assert largest and majority[largest[0][0]] == name, name
        assert largest[0][1] >= len(ids) / 4, f"{name}: {largest[0][1]} of {len(ids)} in its largest topic"
    assert unclustered == len(opinions) - len(placed)


def test_near_duplicates_fall_in_one_topic(found):
    _, opinions, _, _, topic_of = found
    groups: dict[str, set] = {}
    for o in opinions:
        if o["near_duplicates"]:
            groups.setdefault(o["near_duplicates"], set()).add(topic_of.get(o["id"], f"none-{o['id']}"))
    split = {g: where for g, where in groups.items() if len(where) != 1 or any(str(w).startswith("none") for w in where)}
    assert not split


def test_singletons_form_no_topic_and_join_none(found):
    _, opinions, topics, _, topic_of = found
    assert all(len(t.members) >= MIN_TOPIC_SIZE for t in topics)
    lonely = [o["text"] for o in opinions if not o["theme"] and o["id"] in topic_of]
    assert not lonely


def test_labels_and_keywords_name_the_matter(found):
    data, opinions, topics, _, topic_of = found
    by_theme = {}
    for n, t in enumerate(topics):
        counts = Counter(opinions[m]["theme"] for m in t.members)
        by_theme.setdefault(counts.most_common(1)[0][0], t)  # the largest topic of each theme
    expected = {"elevator": "电梯", "streetlight": "路灯", "ebike": "充电", "vendor": "占道", "noise": "噪音",
                "drain": "积水", "property": "物业", "bus": "公交", "parking": "停车"}
    for name, word in expected.items():
        assert word in by_theme[name].label, (name, by_theme[name].label)
        assert len(by_theme[name].keywords) == 5
