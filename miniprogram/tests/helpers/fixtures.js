// Backend answers shaped exactly as docs/API.md describes them.

const DEPUTY_BRIEF = {
  id: 12, name: '李秀兰', photo_url: null, levels: ['municipal', 'county'],
  level_labels: ['市人大代表', '区人大代表'], code_token: 'Z9y-X8w_V7u6T5s4',
}
const DEPUTY_BRIEF_2 = {
  id: 13, name: '王建国', photo_url: 'https://liaison.example.gov.cn/media/d13.jpg', levels: ['township'],
  level_labels: ['镇人大代表'], code_token: 'Hh7Jj8Kk9Ll0Mm1Nn2',
}

const STATION = {
  id: 3,
  name: '岳麓街道人大代表联络站',
  kind: 'central',
  address: '岳麓区岳麓大道1号',
  region: { id: 7, name: '岳麓街道', path: '长沙市/岳麓区/岳麓街道' },
  code_token: 'Kx3pQ9vT2mWb7nRc',
  open_hours: '周一至周五 9:00-17:00',
  reception_plan: '每月15日上午固定接待，代表轮值。',
  next_reception_days: [{ date: '2026-12-15', deputies: [DEPUTY_BRIEF] }],
  deputies: [DEPUTY_BRIEF, DEPUTY_BRIEF_2],
  notice: '本月接待日改在社区服务中心二楼。',
}

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

const TEMPLATES = {
  items: [
    { event: 'accepted', template_id: 'tmpl-accepted', kind: 'long_term', title: '受理通知' },
    { event: 'replied', template_id: 'tmpl-replied', kind: 'long_term', title: '答复通知' },
    { event: 'declined', template_id: 'tmpl-declined', kind: 'one_time', title: '不予受理通知' },
    { event: 'urged', template_id: 'tmpl-urged', kind: 'one_time', title: '催办通知' },
  ],
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
  reply: { text: '已协调交警部门将行人绿灯延长至45秒。', at: '2026-11-28T15:00:00+08:00', unit: '岳麓区交警大队' },
  rating: null,
  events: [
    { action: 'submit', action_label: '提交', from_state: null, to_state: 'submitted', at: '2026-11-20T10:15:00+08:00', actor_role: 'resident', note: '' },
    { action: 'accept', action_label: '受理', from_state: 'submitted', to_state: 'accepted', at: '2026-11-21T09:00:00+08:00', actor_role: 'liaison', note: '已登记' },
    { action: 'reply', action_label: '答复', from_state: 'assigned', to_state: 'replied', at: '2026-11-28T15:00:00+08:00', actor_role: 'unit', note: '' },
  ],
  allowed_actions: ['rate'],
}

function brief(o) {
  const keys = ['id', 'number', 'state', 'state_label', 'state_group', 'category', 'category_label', 'summary', 'station', 'deputy', 'created_at', 'deadline', 'overdue']
  const out = {}
  keys.forEach((k) => { out[k] = o[k] })
  return out
}

const ok = (data, statusCode = 200) => () => ({ statusCode, data })

module.exports = { DEPUTY_BRIEF, DEPUTY_BRIEF_2, STATION, DEPUTY, RECEPTION_DAYS, CATEGORIES, TEMPLATES, OPINION, brief, ok }
