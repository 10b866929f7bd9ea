// Backend answers shaped exactly as docs/API.md describes them. Every data object here is
// checked against the real backend by tests/contract/test_miniprogram_fixtures.py (pytest):
// a new one needs an entry in CONTRACT there.

const DEPUTY_BRIEF = {
  id: 12, name: '李秀兰', photo_url: null, levels: ['municipal', 'county'],
  level_labels: ['市人大代表', '区人大代表'], code_token: 'Z9y-X8w_V7u6T5s4',
}
const DEPUTY_BRIEF_2 = {
  id: 13, name: '王建国', photo_url: 'https://liaison.example.gov.cn/media/d13.jpg', levels: ['township'],
  level_labels: ['镇人大代表'], code_token: 'Hh7Jj8Kk9Ll0Mm1Nn2',
}

// StationBrief: what GET /api/v1/stations lists.
const STATION_BRIEF = {
  id: 3,
  name: '岳麓街道人大代表联络站',
  kind: 'central',
  address: '岳麓区岳麓大道1号',
  region: { id: 7, name: '岳麓街道', path: '长沙市/岳麓区/岳麓街道' },
  code_token: 'Kx3pQ9vT2mWb7nRc',
}

const STATION = Object.assign({}, STATION_BRIEF, {
  open_hours: '周一至周五 9:00-17:00',
  reception_plan: '每月15日上午固定接待，代表轮值。',
  next_reception_days: [{ date: '2026-12-15', deputies: [DEPUTY_BRIEF] }],
  deputies: [DEPUTY_BRIEF, DEPUTY_BRIEF_2],
  notice: '本月接待日改在社区服务中心二楼。',
})

const DEPUTY = Object.assign({}, DEPUTY_BRIEF, {
  work_unit: '岳麓区第一中学',
  post: '教师',
  stations: [
    { id: 5, name: '桃子湖社区人大代表联络站', membership: 'cross' },
    { id: 3, name: '岳麓街道人大代表联络站', membership: 'home' },
  ],
})

const RECEPTION_DAYS = {
  items: [
    { date: '2026-12-15', start: '09:00', end: '11:30', deputies: [DEPUTY_BRIEF], slots_left: 8 },
    { date: '2027-01-15', start: '09:00', end: '11:30', deputies: [DEPUTY_BRIEF_2], slots_left: 0 },
  ],
}

const CATEGORIES = {
  items: [
    { key: 'traffic', label: '交通出行' },
    { key: 'environment', label: '环境卫生' },
    { key: 'other', label: '其他' },
  ],
}

// GET /notifications/templates?audience=resident&moment=progress: one tap's worth.
const TEMPLATES = {
  items: [
    { event: 'replied', template_id: 'tmpl-replied', kind: 'one_time', title: '意见答复通知' },
    { event: 'rate_request', template_id: 'tmpl-replied', kind: 'one_time', title: '意见答复通知' },
    { event: 'accepted', template_id: 'tmpl-accepted', kind: 'one_time', title: '受理结果通知' },
    { event: 'assigned', template_id: 'tmpl-progress', kind: 'one_time', title: '办理进度通知' },
  ],
  request_ids: ['tmpl-replied', 'tmpl-accepted', 'tmpl-progress'],
  request_groups: [['tmpl-replied', 'tmpl-accepted', 'tmpl-progress']],
}
// More than one tap: four one-time templates, and a long-term one (never with the others).
const TEMPLATES_TWO_TAPS = {
  items: [
    { event: 'replied', template_id: 'tmpl-replied', kind: 'one_time', title: '意见答复通知' },
    { event: 'accepted', template_id: 'tmpl-accepted', kind: 'one_time', title: '受理结果通知' },
    { event: 'assigned', template_id: 'tmpl-progress', kind: 'one_time', title: '办理进度通知' },
    { event: 'appointment_reminder', template_id: 'tmpl-appointment', kind: 'one_time', title: '预约接待提醒' },
    { event: 'closed', template_id: 'tmpl-closed', kind: 'long_term', title: '办结通知' },
  ],
  request_ids: ['tmpl-replied', 'tmpl-accepted', 'tmpl-progress'],
  request_groups: [['tmpl-replied', 'tmpl-accepted', 'tmpl-progress'], ['tmpl-appointment'], ['tmpl-closed']],
}
const OPINION = {
  id: 41,
  number: 'LL-2026-000041',
  state: 'replied',
  state_label: '已答复',
  state_group: 'resolved',
  category: 'traffic',
  category_label: '交通出行',
  summary: '麓山南路与阜埠河路口的红绿灯时长太短，老人过马路来不及',
  station: { id: 3, name: '岳麓街道人大代表联络站' },
  deputy: { id: 12, name: '李秀兰' },
  created_at: '2026-11-20T10:15:00+08:00',
  deadline: '2026-12-20',
  overdue: false,
  text: '麓山南路与阜埠河路口的红绿灯时长太短，老人过马路来不及，希望延长行人绿灯时间。',
  photos: [{ id: 'up-1', url: '/uploads/up-1.jpg' }],
  anonymous: false,
  contact_phone: '138****1234',
  reply: { text: '已协调交警部门将行人绿灯延长至45秒。', at: '2026-11-28T15:00:00+08:00', unit: { id: 9, name: '岳麓区交警大队' } },
  rating: null,
  events: [
    { action: 'submit', action_label: '提交', from_state: null, to_state: 'submitted', at: '2026-11-20T10:15:00+08:00', actor_role: 'resident', note: '', public_note: null },
    { action: 'accept', action_label: '受理', from_state: 'submitted', to_state: 'accepted', at: '2026-11-21T09:00:00+08:00', actor_role: 'liaison', note: null, public_note: '已登记，三个工作日内交办' },
    { action: 'reply', action_label: '答复', from_state: 'assigned', to_state: 'replied', at: '2026-11-28T15:00:00+08:00', actor_role: 'unit', note: '', public_note: null },
  ],
  allowed_actions: ['rate'],
}

function brief(o) {
  const keys = ['id', 'number', 'state', 'state_label', 'state_group', 'category', 'category_label', 'summary', 'station', 'deputy', 'created_at', 'deadline', 'overdue']
  const out = {}
  keys.forEach((k) => { out[k] = o[k] })
  return out
}

const OPINION_RATED = Object.assign({}, OPINION, {
  state: 'rated', state_label: '已评价',
  rating: { rating: 'basically_satisfied', comment: '还可以', at: '2026-11-29T08:00:00+08:00' },
  allowed_actions: [],
})

// Whole answers of the endpoints (GET unless noted).
const STATION_CODE = { kind: 'station', token: STATION.code_token, station: STATION } // /codes/<token>
const DEPUTY_CODE = { kind: 'deputy', token: DEPUTY.code_token, deputy: DEPUTY }
const STATIONS = { items: [STATION_BRIEF], total: 1, page: 1, per_page: 20 } // /stations
const OPINIONS = { items: [brief(OPINION)], total: 1, page: 1, per_page: 20 } // /opinions
const USER = { id: 1, nickname: '微信用户', roles: [], deputy_id: null }
const LOGIN = { token: 'token-1', expires_in: 604800, user: USER } // POST /auth/wechat
const UPLOAD = { id: 'up-1', url: '/uploads/up-1.jpg' } // POST /uploads (201)
const MESSAGES = {
  items: [
    { id: 2, title: '您的意见已答复', body: '岳麓区交警大队已答复，请查看并评价。', event: 'replied', opinion_id: 41, at: '2026-11-28T15:01:00+08:00', read: false },
    { id: 1, title: '您的意见已受理', body: '岳麓街道人大代表联络站已受理。', event: 'accepted', opinion_id: 41, at: '2026-11-21T09:00:00+08:00', read: true },
  ],
  total: 2, unread: 1, page: 1, per_page: 20,
}
const APPOINTMENT = {
  id: 5, station: { id: 3, name: '岳麓街道人大代表联络站', address: '岳麓区麓山南路 8 号', latitude: 28.1765, longitude: 112.9423 },
  date: '2026-12-15', start: '09:00', end: '11:30', note: '', state: 'booked', state_label: '已预约',
  day_cancelled: false, upcoming: true, can_cancel: true,
}
// 我的预约: one to come, one whose day has passed (/appointments).
const APPOINTMENT_PAST = Object.assign({}, APPOINTMENT, {
  id: 4, date: '2026-11-15', state_label: '已过期', upcoming: false, can_cancel: false,
})
const APPOINTMENT_CANCELLED = { appointment: Object.assign({}, APPOINTMENT, { state: 'cancelled', state_label: '已取消', can_cancel: false }) } // POST /appointments/<id>/cancel
const MY_APPOINTMENTS = { items: [APPOINTMENT, APPOINTMENT_PAST] }
const APPOINTMENT_GONE = { error: { code: 'appointment_cancelled', message: '这个预约已经取消了' } } // 409
const APPOINTMENT_CREATED = { appointment: APPOINTMENT } // POST /appointments (201)
const APPOINTMENTS = { items: [APPOINTMENT] } // /appointments
// POST /check-ins (201): sent 3.2 km from the station, so recorded for staff to confirm.
const CHECK_IN = {
  created: true,
  message: '距联络站约3.2公里，已记录，待工作人员确认',
  check_in: {
    id: 31, station: { id: 3, name: '岳麓街道人大代表联络站' }, deputy_id: 12, date: '2026-12-15',
    at: '2026-12-15T09:05:00+08:00', in_plan: true, on_rota: true, source: 'scan', reception_record_id: null,
    verified: false, unverified_reason: 'far', distance_m: 3200, confirmed: false,
    verification: '距联络站约3.2公里，已记录，待工作人员确认',
  },
}

// Error answers of /codes/<token>.
const CODE_ROTATED = { error: { code: 'code_rotated', message: '此码已更换，请扫描新海报', details: { kind: 'station', token: 'N3wT0kenN3wT0kenAB' } } } // 410
const CODE_REVOKED = { error: { code: 'code_revoked', message: '此码已停用' } } // 410
const CODE_UNKNOWN = { error: { code: 'code_not_found', message: '没有找到这个二维码' } } // 404

// POST /me/link: the web account (a liaison) became part of this one; and a wrong code (400).
const LINKED = {
  merged: true,
  user: Object.assign({}, USER, {
    roles: [{ role: 'liaison', role_label: '联络员', station_id: 3, region_id: null, unit_id: null }],
  }),
}
const LINK_CODE_WRONG = {
  error: { code: 'link_code_invalid', message: '关联码不正确或已失效，请在网页上重新获取关联码后再试', details: { tries_left: 4 } },
}

// The deputy's side: an opinion that summoned the deputy (点将), as the deputy reads it
// (GET /opinions/<id>: the submitter, the version, the steps a deputy may take), and the
// same after the deputy added a note (POST /opinions/<id>/transitions {action: 'note'}).
const DEPUTY_OPINION = {
  id: 60, number: 'LL-2026-000060', state: 'submitted', state_label: '已提交', state_group: 'open',
  category: 'urban', category_label: '城市管理',
  summary: '望月湖小区三栋楼道灯坏了两个星期，晚上老人上下楼很危险',
  station: { id: 3, name: '岳麓街道人大代表联络站' }, deputy: { id: 12, name: '李秀兰' },
  submitter: { id: 1, nickname: '居民张阿姨' },
  created_at: '2026-12-01T19:20:00+08:00', deadline: null, overdue: false,
  text: '望月湖小区三栋楼道灯坏了两个星期，晚上老人上下楼很危险，希望尽快修好。',
  photos: [], anonymous: false, contact_phone: '139****5678', reply: null, rating: null,
  events: [
    { action: 'submit', action_label: '提交', from_state: null, to_state: 'submitted', at: '2026-12-01T19:20:00+08:00', actor_role: 'resident', note: null, public_note: null },
  ],
  allowed_actions: ['urge', 'note'],
  version: 1,
}
const DEPUTY_OPINION_NOTED = Object.assign({}, DEPUTY_OPINION, {
  events: DEPUTY_OPINION.events.concat([
    { action: 'note', action_label: '备注', from_state: 'submitted', to_state: 'submitted', at: '2026-12-02T08:30:00+08:00', actor_role: 'deputy', note: '已电话联系反映人，周五去现场看', public_note: null },
  ]),
  version: 2,
})
const DEPUTY_OPINIONS = { items: [brief(DEPUTY_OPINION)], total: 1, page: 1, per_page: 20 } // /opinions?deputy_id=
const DEPUTY_USER = { id: 3, nickname: '李秀兰代表', roles: [], deputy_id: 12 }
// POST /invitations/<code>/accept with the getPhoneNumber code: bound; and a phone that
// is not the one on the deputy's record (403).
const INVITATION_ACCEPTED = {
  invitation: { role: 'deputy', role_label: '人大代表', what: '李秀兰（人大代表）' },
  user: DEPUTY_USER,
}
const PHONE_MISMATCH = {
  error: { code: 'phone_mismatch', message: '您微信绑定的手机号与代表档案中的手机号不一致，不能绑定为这位代表。请用代表本人的微信接受邀请，或请驻站所在地的人大工委核实。' },
}

// The duty page: a station's reception days as the rota reads them (id, booked, capacity,
// status), who booked one (GET /reception-days/<id>/appointments), the year's duty record.
const ROTA_DAYS = {
  items: [
    { id: 1, date: '2026-12-15', start: '09:00', end: '11:30', deputies: [DEPUTY_BRIEF], slots_left: 9, booked: 1, capacity: 10, status: 'planned', note: '', source: 'plan' },
    { id: 2, date: '2027-01-15', start: '09:00', end: '11:30', deputies: [DEPUTY_BRIEF_2], slots_left: 10, booked: 0, capacity: 10, status: 'planned', note: '', source: 'plan' },
  ],
}
const DAY_BOOKINGS = {
  day: { id: 1, station_id: 3, date: '2026-12-15', start: '09:00', end: '11:30', capacity: 10, status: 'planned' },
  items: [{ id: 5, state: 'booked', state_label: '已预约', resident: '居民张阿姨', phone: null, note: '小区路灯不亮', booked_at: '2026-12-02T08:00:00+08:00' }],
  booked: 1,
}
const DUTY_RECORD = {
  deputy: { id: 12, name: '李秀兰', levels: ['municipal', 'county'], work_unit: '岳麓区第一中学', post: '教师', is_senior_official: false,
    stations: [{ id: 3, name: '岳麓街道人大代表联络站', membership: 'home' }] },
  year: 2026,
  totals: { active_days: 2, answered: 12, check_ins: 2, check_ins_pending: 0, check_ins_unplanned: 2, closed: 11, decided: 14, in_time: 11,
    in_time_share: 0.7857, late: 2, median_response_days: 5.0, opinions_in: 17, pending_now: 3, ratings: 10, receptions: 1, residents: 6,
    satisfaction: 1.0, satisfied: 10, suggestions: 0, summoned: 17, unresolved: 1 },
  points: {
    items: [
      { key: 'check_ins', label: '进站履职', count: 2, weight: 2.0, points: 4.0 },
      { key: 'receptions', label: '参加接待', count: 1, weight: 3.0, points: 3.0 },
      { key: 'opinions_in', label: '被点将意见', count: 17, weight: 1.0, points: 17.0 },
      { key: 'suggestions', label: '提出建议', count: 0, weight: 5.0, points: 0.0 },
    ],
    total: 24.0,
  },
  months: [{ month: '2026-12', active_days: 1, answered: 1, check_ins: 1, check_ins_unplanned: 1, closed: 2, in_time: 1, late: 0, opinions_in: 3,
    ratings: 1, receptions: 0, residents: 0, satisfied: 1, suggestions: 0, unresolved: 0 }],
  check_ins: [{ date: '2026-09-15', station: '岳麓街道人大代表联络站', in_plan: false, source: 'staff', reception: true, residents: 6,
    verified: true, pending: false, status: '工作人员登记' }],
}

// 我的建议 (GET /suggestions?mine=true, newest first): one waiting for the unit's answer, one
// answered (POST /suggestions/<id>/outcome recorded it); whether the official account
// reaches the deputy (GET /notifications/official-account, the duty page's reminder line).
const SUGGESTION_ANSWERED = {
  id: 7, title: '关于完善老旧小区照明设施的建议', text: '建议统一排查、分批解决。', state: 'answered', state_label: '已答复',
  created_at: '2026-12-01T20:05:00+08:00', deputy: { id: 12, name: '李秀兰' },
  opinion: { id: 60, number: 'LL-2026-000060', summary: '望月湖小区三栋楼道灯坏了两个星期，晚上老人上下楼很危险' },
  outcome: { unit_name: '岳麓区住房和城乡建设局', text: '已纳入明年老旧小区改造计划，统一更换路灯。', answered_at: '2026-12-02T10:30:00+08:00' },
}
const SUGGESTIONS = {
  items: [
    { id: 8, title: '关于增设社区停车位的建议', text: '', state: 'filed', state_label: '已提出，待答复',
      created_at: '2026-12-02T09:00:00+08:00', deputy: { id: 12, name: '李秀兰' },
      opinion: { id: 61, number: 'LL-2026-000061', summary: '小区停车难，晚上车辆占用消防通道' }, outcome: null },
    SUGGESTION_ANSWERED,
  ],
  total: 2, page: 1, per_page: 20,
}
const OFFICIAL_ACCOUNT = { linked: true, follows: true, name: '人大代表联络站', qrcode_url: null }
// Draft-law consultations (立法意见征集): GET /api/v1/consultations?station_id= and one draft.
const CONSULTATION_BRIEF = {
  id: 5, title: '岳麓区文明行为促进条例（草案）', summary: '请对草案提出意见和建议。', state: 'open', state_label: '征集中',
  opens_on: '2026-12-01', closes_on: '2026-12-31', region: { id: 2, name: '岳麓区' }, articles_count: 2, has_outcome: false,
}
const CONSULTATIONS = { items: [CONSULTATION_BRIEF] }
const CONSULTATION = Object.assign({}, CONSULTATION_BRIEF, {
  preamble: '（征求意见稿）',
  articles: [
    { number: 1, label: '第一条', chapter: '第一章 总则', text: '为了促进文明行为，制定本条例。', comments: 2 },
    { number: 2, label: '第二条', chapter: '第一章 总则', text: '本条例适用于本区行政区域。', comments: 0 },
  ],
  stations: [{ id: 3, name: '岳麓街道人大代表联络站' }],
  target_regions: [],
  counts: { total: 4, shown: 3, hidden: 1, deputies: 1, people: 3, whole: 1 },
  outcome: null,
  mine: [{ id: 31, article: 1, text: '建议写明立法依据。', created_at: '2026-12-02T10:00:00+08:00', as_deputy: false,
    author: '群众', hidden: true, hidden_reason: '与草案无关' }],
  can_comment: true, as_deputy: false, manage: false,
})
const CONSULTATION_COMMENT = {
  comment: { id: 32, article: 2, text: '建议写明包括居民小区。', created_at: '2026-12-02T10:05:00+08:00', as_deputy: false,
    author: '群众', hidden: false, hidden_reason: '' },
}

// A submit taken in a busy moment (POST /opinions answers 202), then GET /opinion-intakes/<id>.
const INTAKE_TAKEN = {
  intake: { id: 7, status: 'pending', opinion_id: null, error: null, created_at: '2026-12-02T10:00:00+08:00' },
}
const INTAKE_REGISTERED = {
  intake: { id: 7, status: 'registered', opinion_id: 41, error: null, created_at: '2026-12-02T10:00:00+08:00' },
}
const INTAKE_REFUSED = {
  intake: {
    id: 7, status: 'refused', opinion_id: null, created_at: '2026-12-02T10:00:00+08:00',
    error: { code: 'validation_error', message: '联络站不存在或已停用', details: { fields: { station_id: ['联络站不存在或已停用'] } } },
  },
}

const ok = (data, statusCode = 200) => () => ({ statusCode, data })
const fail = (status, answer) => () => ({ statusCode: status, data: answer })

module.exports = {
  DEPUTY_BRIEF, DEPUTY_BRIEF_2, STATION_BRIEF, STATION, DEPUTY, RECEPTION_DAYS, CATEGORIES, TEMPLATES, TEMPLATES_TWO_TAPS, OPINION, OPINION_RATED,
  STATION_CODE, DEPUTY_CODE, STATIONS, OPINIONS, USER, LOGIN, UPLOAD, MESSAGES, APPOINTMENT, APPOINTMENT_CREATED,
  APPOINTMENTS, APPOINTMENT_PAST, APPOINTMENT_CANCELLED, MY_APPOINTMENTS, APPOINTMENT_GONE, CHECK_IN, CODE_ROTATED, CODE_REVOKED, CODE_UNKNOWN, LINKED, LINK_CODE_WRONG,
  DEPUTY_OPINION, DEPUTY_OPINION_NOTED, DEPUTY_OPINIONS, DEPUTY_USER, INVITATION_ACCEPTED, PHONE_MISMATCH,
  ROTA_DAYS, DAY_BOOKINGS, DUTY_RECORD, SUGGESTIONS, SUGGESTION_ANSWERED, OFFICIAL_ACCOUNT,
  ROTA_DAYS, DAY_BOOKINGS, DUTY_RECORD, CONSULTATION_BRIEF, CONSULTATIONS, CONSULTATION, CONSULTATION_COMMENT,
  INTAKE_TAKEN, INTAKE_REGISTERED, INTAKE_REFUSED,
  brief, ok, fail,
}
