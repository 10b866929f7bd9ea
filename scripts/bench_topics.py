#!/usr/bin/env python
"""Topic analysis of a large period: ``--opinions`` texts through ``insight.clustering``.

    scripts/bench topics [--opinions 100000] [--seed 1]

The texts are made from the hand-made set of the topic test
(``tests/data/topics_opinions.json``): each is one of its 203 opinions with a place in
front and a resident's phrase added or a clause left out, so the themes recur at scale
and no two texts need be equal. Then, as ``insight.topics.compute`` does it without the
database: vectorise (segment, TF-IDF), cluster (a seeded sample of ``DIRECT_LIMIT``,
the rest joined to the nearest topic, rounds), keywords and labels, and the trend against
a previous period of a tenth of the size. Prints the seconds of each step, the topics
found and how pure they are (the share of each topic's texts from its majority theme);
the goal is a minute for 100,000 on the project's 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
DATA = ROOT / "tests" / "data" / "topics_opinions.json"
GOAL_SECONDS = 60
PLACES = ["望月湖小区", "桐梓坡路", "望岳路", "枫林一路", "潇湘中路", "咸嘉湖路", "银盆南路", "阜埠河路", "麓山南路",
          "新民路", "桃子湖", "金星北路"]
PHRASES = ["", "", "麻烦领导看一下。", "已经反映过好几次了。", "谢谢！", "希望早日解决。", "周边居民意见很大。",
           "请相关部门重视。", "我是老住户了。", "这个问题拖了很久。"]


def make_texts(n: int, seed: int) -> tuple[list[str], list[str]]:
    opinions = json.loads(DATA.read_text(encoding="utf-8"))["opinions"]
    rng = random.Random(seed)
    texts, themes = [], []
    for i in range(n):
        o = opinions[rng.randrange(len(opinions))]
        body = o["text"]
        clauses = [c for c in body.replace("。", "，").split("，") if c]
        if len(clauses) > 2 and rng.random() < 0.4:
            del clauses[rng.randrange(len(clauses))]
        texts.append(f"{rng.choice(PLACES)}{'，'.join(clauses)}。{rng.choice(PHRASES)}")
        themes.append(o["theme"] or f"single-{o['id']}")
    return texts, themes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opinions", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import numpy as np

    from liaison.insight import clustering, text
    from liaison.insight.text import TextVectorizer

    texts, themes = make_texts(args.opinions, args.seed)
    previous, _ = make_texts(args.opinions // 10, args.seed + 1)
    ignore = text.add_place_words(PLACES)
    print(f"{len(texts)} opinions (previous period {len(previous)})")

    started = time.perf_counter()
    t0 = time.perf_counter()
    vectorizer = TextVectorizer(ignore=ignore)
    matrix = vectorizer.fit_transform(texts)
    t_vec = time.perf_counter() - t0
    t0 = time.perf_counter()
    groups = clustering.group(matrix)
    t_group = time.perf_counter() - t0
    # The rest of find_topics, as it runs after the grouping.
    t0 = time.perf_counter()
    items = [clustering.Item(id=i, text=t) for i, t in enumerate(texts)]
    topics, unclustered = clustering.find_topics(items, [clustering.Item(id=i, text=t) for i, t in enumerate(previous)],
                                                 ignore=ignore)
    t_all = time.perf_counter() - t0
    total = time.perf_counter() - started
    print(f"vectorise {t_vec:.1f} s, group {t_step(t_group)}, find_topics end to end {t_all:.1f} s")
    sizes = [len(t.members) for t in topics]
    purity = (sum(Counter(themes[m] for m in t.members).most_common(1)[0][1] for t in topics) / sum(sizes)
              if sizes else 0.0)
    print(f"{len(topics)} topics, largest {sizes[:10]}, unclustered {unclustered}, purity {purity:.3f}")
    for t in topics[:12]:
        print(f"  {t.label}: {len(t.members)} (上期 {t.previous})  {'、'.join(t.keywords)}")
    print(f"{len(groups)} groups before the minimum size; matrix {matrix.shape[0]}×{matrix.shape[1]}, "
          f"{np.mean(matrix.getnnz(axis=1)):.0f} features a text")
    verdict = "ok" if t_all <= GOAL_SECONDS else "SLOWER THAN THE GOAL"
    print(f"topic analysis of {len(texts)} opinions: {t_all:.1f} s (goal {GOAL_SECONDS} s): {verdict}"
          f" [total with the separate timing steps {total:.1f} s]")
    return 0 if t_all <= GOAL_SECONDS else 1


def t_step(seconds: float) -> str:
    return f"{seconds:.1f} s"


if __name__ == "__main__":
    raise SystemExit(main())
