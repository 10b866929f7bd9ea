// Display helpers (pure).

const RATING_LABELS = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  unsatisfied: '不满意',
}

const ROLE_LABELS = {
  resident: '群众',
  deputy: '代表',
  liaison: '联络员',
  station_master: '站长',
  office: '人大工委',
  unit: '承办单位',
  system: '系统',
}

const MEMBERSHIP_LABELS = { home: '驻站', cross: '交叉进站' }

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

function pad(n) {
  return n < 10 ? '0' + n : String(n)
}

// "2026-12-15" -> "12月15日 周二"
function formatDate(value) {
  if (!value) return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value)
  if (!m) return String(value)
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return Number(m[2]) + '月' + Number(m[3]) + '日 周' + WEEKDAYS[d.getDay()]
}

// ISO time with offset -> "2026年11月25日 16:00" in the time of the text itself: the
// format of the admin and H5 pages and of the WeChat messages.
function formatTime(value) {
  if (!value) return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value)
  return m ? Number(m[1]) + '年' + Number(m[2]) + '月' + Number(m[3]) + '日 ' + m[4] + ':' + m[5] : String(value)
}

function ratingLabel(key) {
  return RATING_LABELS[key] || ''
}

function roleLabel(key) {
  return ROLE_LABELS[key] || ''
}

function membershipLabel(key) {
  return MEMBERSHIP_LABELS[key] || ''
}

// "13800001234" -> true
function isMobile(value) {
  return /^1[3-9]\d{9}$/.test(String(value || ''))
}

module.exports = {
  pad,
  formatDate,
  formatTime,
  ratingLabel,
  roleLabel,
  membershipLabel,
  isMobile,
  RATING_LABELS,
}
