"""Request/response schemas for opinions, uploads and handling units (also the OpenAPI source)."""
from apiflask import Schema
from apiflask.fields import Boolean, Date, DateTime, Dict, File, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range
from marshmallow import EXCLUDE, INCLUDE

from ..core.routing import MAX_ID
from .filters import FIRST_DAY, GROUP_FILTERS, LAST_DAY, SORTS
from .states import GROUP_LABELS, STATES

# -- requests -------------------------------------------------------------------------


class SubmitIn(Schema):
    station_id = Integer(required=True, validate=Range(min=1, max=MAX_ID), metadata={"description": "联络站"})
    deputy_id = Integer(load_default=None, allow_none=True, validate=Range(min=1, max=MAX_ID),
                        metadata={"description": "点将的代表（可不选）"})
    category = String(load_default=None, allow_none=True, validate=Length(1, 30),
                      metadata={"description": "分类，见 /api/v1/opinion-categories；不填为“其他”"
                                               "（列表无 other 时为列表最后一项）"})
    text = String(required=True, validate=Length(1, 2000), metadata={"description": "意见内容"})
    photo_ids = List(String(validate=Length(1, 32)), load_default=list, validate=Length(max=9),
                     metadata={"description": "先经 /api/v1/uploads 上传，最多 9 张"})
    contact_phone = String(load_default=None, allow_none=True, validate=Length(max=30),
                           metadata={"description": "手动填写的联系电话"})
    phone_code = String(load_default=None, allow_none=True, validate=Length(max=128),
                        metadata={"description": "getPhoneNumber 返回的 code（优先于手填）"})
    anonymous = Boolean(load_default=False, metadata={"description": "对承办单位匿名"})


class IdempotencyHeaders(Schema):
    class Meta:
        unknown = EXCLUDE

    idempotency_key = String(data_key="Idempotency-Key", load_default=None, validate=Length(1, 80),
                             metadata={"description": "同一次提交的重试带相同的键，只会生成一条意见"})


class TransitionIn(Schema):
    """``action`` plus the fields that action carries (see the workflow table).

    Staff actions carry ``note`` (内部备注, staff only; on 交办 the units read it too)
    and, where the step is shown to the resident, ``public_note`` (说明（群众可见）);
    a ``public_note`` on an action that takes none is a 422. The workflow validates
    them (``opinions.payloads``), so they are not declared here.
    """

    class Meta:
        unknown = INCLUDE

    action = String(required=True, validate=Length(1, 40),
                    metadata={"description": "操作，如 accept、assign、rate；另有 edit（工作人员修改内容）"})
    version = Integer(load_default=None, allow_none=True,
                      metadata={"description": "客户端看到的版本号；与当前不符时返回 409"})


class ListQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    state = String(validate=OneOf([*STATES, *GROUP_FILTERS]),
                   metadata={"description": "状态；或 open（办理中）、answered（已答复）、active（未办结）、all（全部，默认）"})
    state_group = String(validate=OneOf(list(GROUP_LABELS)))
    category = String(validate=Length(1, 30))
    overdue = Boolean(metadata={"description": "只看已超期的（人大工委的超期清单）"})
    q = String(validate=Length(1, 100), metadata={"description": "按内容、编号或答复搜索"})
    station_id = Integer(validate=Range(min=1, max=MAX_ID))
    deputy_id = Integer(validate=Range(min=1, max=MAX_ID), metadata={"description": "点将的代表"})
    date_from = Date(data_key="from", validate=Range(FIRST_DAY, LAST_DAY, error="日期应在 2000 年至 2099 年之间"),
                     metadata={"description": "提交日期起（北京时间，YYYY-MM-DD）"})
    date_to = Date(data_key="to", validate=Range(FIRST_DAY, LAST_DAY, error="日期应在 2000 年至 2099 年之间"),
                   metadata={"description": "提交日期止（含）"})
    mine = Boolean(metadata={"description": "只看我提交的"})
    sort = String(validate=OneOf(SORTS), metadata={
        "description": "newest 最新在前（默认）| urgent 最急在前（工作台的顺序）| deadline 期限最近在前（超期清单的默认）"})
    page = Integer(load_default=1, validate=Range(min=1, max=10000))
    per_page = Integer(load_default=20, validate=Range(min=1, max=100))


class UnitsQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    q = String(validate=Length(1, 50), metadata={"description": "按单位名称搜索"})
    region_id = Integer(validate=Range(min=1, max=MAX_ID), metadata={"description": "只列登记在该区域的单位"})
    station_id = Integer(validate=Range(min=1, max=MAX_ID),
                         metadata={"description": "交办该站的意见：该站所在区域一线的单位"})
    level = String(validate=OneOf(["town", "district", "city_and_above"]),
                   metadata={"description": "事项层级：town 乡镇（街道）| district 区（县）| city_and_above 市级及以上"})


class AttachmentIn(Schema):
    file = File(required=True, metadata={"description": "图片（重新编码为 JPEG）或 PDF（最大 10 MB，不得含脚本）"})


class UploadIn(Schema):
    file = File(required=True, metadata={"description": "图片（JPG、PNG、WEBP），重新编码并去除 EXIF/GPS"})


# -- responses ------------------------------------------------------------------------


class Ref(Schema):
    id = Integer()
    name = String()


class OpinionBriefOut(Schema):
    id = Integer()
    number = String(metadata={"example": "LL-2026-000123"})
    state = String()
    state_label = String()
    state_group = String()
    category = String()
    category_label = String()
    summary = String()
    station = Nested(Ref)
    deputy = Nested(Ref, allow_none=True)
    created_at = String()
    deadline = String(allow_none=True)
    overdue = Boolean()


class PhotoOut(Schema):
    id = String()
    url = String()
    sec_check = String(allow_none=True, metadata={"description": "仅工作人员：微信图片检测结果"})
    sec_check_label = String(allow_none=True)


class AttachmentOut(Schema):
    id = Integer()
    name = String(metadata={"description": "文件名"})
    content_type = String(metadata={"description": "image/jpeg 或 application/pdf"})
    size = Integer()
    url = String(metadata={"description": "带签名的下载链接（有效期同照片）"})
    released = Boolean(metadata={"description": "已随答复发给群众"})


class ReplyOut(Schema):
    text = String()
    at = String(allow_none=True)
    unit = Nested(Ref, allow_none=True)
    attachments = List(Nested(AttachmentOut), metadata={"description": "承办单位随答复发来的附件"})


class RatingOut(Schema):
    rating = String()
    rating_label = String()
    comment = String()
    at = String(allow_none=True)
    comment_hidden = Boolean(metadata={"description": "评价意见未通过或尚未通过微信检测，不向他人显示"})
    sec_check = String(allow_none=True, metadata={"description": "仅工作人员：评价意见的检测结果"})
    sec_check_label = String(allow_none=True)


class EventOut(Schema):
    action = String()
    action_label = String()
    from_state = String(allow_none=True)
    to_state = String(allow_none=True)
    at = String()
    actor_role = String()
    actor_role_label = String()
    note = String(allow_none=True, metadata={
        "description": "这一步的原因、结论或内部备注中调用者可以看到的一句（群众只看到公开的原因）"})
    public_note = String(allow_none=True, metadata={"description": "说明（群众可见）"})
    deadline = String(allow_none=True, metadata={"description": "延期、调整期限后的新办理期限（YYYY-MM-DD）"})
    reply = String(allow_none=True, metadata={"description": "这一步发给群众的答复（重办后仍能看到此前的答复）"})


class AssignmentOut(Schema):
    unit = Nested(Ref)
    role = String()
    status = String()
    status_label = String()
    round = Integer()
    deadline = String(allow_none=True)
    extension_requested_to = String(allow_none=True)
    extension_reason = String(allow_none=True)
    refuse_reason = String(allow_none=True)
    reply_draft = String(allow_none=True)
    attachments = List(Nested(AttachmentOut), metadata={"description": "答复附件（工作人员与本单位可见）"})


class SubmitterOut(Schema):
    id = Integer()
    nickname = String()


class OpinionFullOut(OpinionBriefOut):
    text = String()
    original_text = String(allow_none=True, metadata={"description": "工作人员修改过内容时的原文"})
    photos = List(Nested(PhotoOut))
    anonymous = Boolean()
    contact_phone = String(allow_none=True, metadata={"description": "按角色脱敏：138****1234"})
    submitter = Nested(SubmitterOut, allow_none=True)
    level = String(allow_none=True)
    level_label = String(allow_none=True)
    hold_reason = String(allow_none=True)
    hold_reason_label = String(allow_none=True)
    close_reason = String(allow_none=True)
    close_reason_label = String(allow_none=True)
    sec_check = String(allow_none=True)
    sec_check_label = String(allow_none=True)
    reply = Nested(ReplyOut, allow_none=True)
    rating = Nested(RatingOut, allow_none=True)
    assignments = List(Nested(AssignmentOut))
    events = List(Nested(EventOut))
    allowed_actions = List(String())
    version = Integer()
    scrubbed = Boolean()


class OpinionOut(Schema):
    opinion = Nested(OpinionFullOut)


class IntakeErrorOut(Schema):
    code = String(required=True)
    message = String(required=True, metadata={"description": "给群众看的原因"})
    details = Dict(metadata={"description": "如 fields：哪一项填写有误"})


class IntakeFullOut(Schema):
    id = Integer(required=True)
    status = String(required=True, metadata={"description": "pending 正在登记；registered 已登记"
                                                             "（见 opinion_id）；refused 未能登记（见 error）"})
    opinion_id = Integer(allow_none=True, metadata={"description": "登记后的意见"})
    error = Nested(IntakeErrorOut, allow_none=True)
    created_at = String(required=True, metadata={"description": "收到的时间"})


class IntakeOut(Schema):
    intake = Nested(IntakeFullOut, required=True)


class OpinionListOut(Schema):
    items = List(Nested(OpinionBriefOut))
    total = Integer()
    page = Integer()
    per_page = Integer()


class KeyLabel(Schema):
    key = String()
    label = String()


class CategoriesOut(Schema):
    items = List(Nested(KeyLabel))


class UploadOut(Schema):
    id = String()
    url = String()
    width = Integer()
    height = Integer()


class UnitOut(Schema):
    id = Integer()
    name = String()
    level = String()
    level_label = String()
    region_id = Integer(allow_none=True)


class UnitsOut(Schema):
    items = List(Nested(UnitOut))



# -- closed-session suggestions (闭会期间代表建议) ------------------------------------


class SuggestionListQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    mine = Boolean(load_default=False, metadata={
        "description": "只看我（代表本人）提出的；工作人员不填时还能看到本站意见转成的建议"})
    page = Integer(load_default=1, validate=Range(min=1, max=10000))
    per_page = Integer(load_default=20, validate=Range(min=1, max=100))


class SuggestionOutcomeIn(Schema):
    unit_name = String(required=True, validate=Length(max=200), metadata={"description": "答复的承办单位"})
    outcome = String(required=True, validate=Length(max=4000), metadata={"description": "承办单位的答复或办理结果"})


class SuggestionOpinionOut(Schema):
    id = Integer()
    number = String()
    summary = String(metadata={"description": "意见内容的前 40 个字"})


class SuggestionDeputyOut(Schema):
    id = Integer()
    name = String()


class SuggestionOutcomeOut(Schema):
    unit_name = String(metadata={"description": "答复的承办单位"})
    text = String(metadata={"description": "答复或办理结果"})
    answered_at = DateTime(metadata={"description": "登记时间（北京时间）"})


class SuggestionOut(Schema):
    id = Integer()
    title = String()
    text = String()
    state = String(metadata={"description": "filed（已提出，待答复）| answered（已答复）"})
    state_label = String()
    created_at = DateTime()
    deputy = Nested(SuggestionDeputyOut)
    opinion = Nested(SuggestionOpinionOut, allow_none=True, metadata={"description": "由哪条意见转来"})
    outcome = Nested(SuggestionOutcomeOut, allow_none=True, metadata={"description": "办理结果；未答复时为 null"})


class SuggestionListOut(Schema):
    items = List(Nested(SuggestionOut))
    total = Integer()
    page = Integer()
    per_page = Integer()


class SuggestionEnvelope(Schema):
    suggestion = Nested(SuggestionOut)
