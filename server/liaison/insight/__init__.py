"""Reading across opinions: the shared text tools and the recurring topics (民意研判).

``insight.text`` is the one place that segments and vectorises Chinese opinion text;
``insight.topics`` groups a region's opinions of a period into topics.
"""
