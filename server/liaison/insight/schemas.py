"""Request and answer schemas of the topics API (also the OpenAPI source)."""
from apiflask import Schema
from apiflask.fields import Integer, List, Nested, String

from ..stats.schemas import MONTH


class TopicsQuery(Schema):
    start = String(data_key="from", validate=MONTH, metadata={"description": "起始月份 YYYY-MM，默认两个月前（连同本月共三个月）"})
    end = String(data_key="to", validate=MONTH, metadata={"description": "结束月份 YYYY-MM，默认本月"})


class TopicStation(Schema):
    id = Integer(required=True)
    name = String(required=True)
    count = Integer(required=True, metadata={"description": "该站属于这个话题的意见数"})


class TopicTrend(Schema):
    previous = Integer(required=True, metadata={"description": "上一个同样长度的时段里属于这个话题的意见数"})
    change = Integer(required=True, metadata={"description": "本时段减上一时段"})
    direction = String(required=True, metadata={"description": "new 新出现 / up 增加 / down 减少 / flat 持平"})


class TopicExample(Schema):
    id = Integer(required=True)
    number = String(required=True)
    summary = String(required=True, metadata={"description": "意见正文的前 60 个字"})
    station = String(required=True)


class TopicOut(Schema):
    id = Integer(required=True)
    label = String(required=True, metadata={"description": "话题的简短名称（最有代表性的一两个关键词）"})
    keywords = List(String(), required=True)
    size = Integer(required=True, metadata={"description": "意见数"})
    stations = List(Nested(TopicStation), required=True)
    trend = Nested(TopicTrend, required=True)
    opinion_ids = List(Integer(), required=True, metadata={"description": "属于这个话题的意见，最典型的在前"})
    examples = List(Nested(TopicExample), required=True)


class TopicsOut(Schema):
    start = String(data_key="from", attribute="from", required=True)
    end = String(data_key="to", attribute="to", required=True)
    computed_at = String(required=True, metadata={"description": "计算时间（每小时重新计算）"})
    opinions = Integer(required=True, metadata={"description": "本时段参与分析的意见数"})
    topics = List(Nested(TopicOut), required=True, metadata={"description": "话题，意见多的在前；至少 3 条意见才成话题"})
    unclustered = Integer(required=True, metadata={"description": "未归入任何话题的意见数"})
