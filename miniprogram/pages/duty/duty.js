// 值班与履职: the deputy's reception duty days (rota) at their stations with who booked,
// check-in by scanning the station code (with the phone's position), and the duty record
// of the year (points, receptions, opinions, response time, satisfaction) with its
// Excel and PDF files.
const api = require('../../utils/api')
const checkin = require('../../utils/checkin')
const entry = require('../../utils/entry')
const prefs = require('../../utils/prefs')
const { formatDate } = require('../../utils/format')
const { errorMessage } = require('../../utils/request')

// The rota: the days of the deputy's stations that name the deputy, soonest first.
function rotaOf(stations, answers, deputyId) {
  const days = []
  stations.forEach((s, i) => {
    ;((answers[i] && answers[i].items) || []).forEach((d) => {
      if (!(d.deputies || []).some((p) => p.id === deputyId)) return
      days.push({
        id: d.id, date: d.date, label: formatDate(d.date), time: d.start + '-' + d.end, station: s.name,
        booked: d.booked || 0, capacity: d.capacity || 0, cancelled: d.status === 'cancelled',
      })
    })
  })
  return days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
}

// The reminder line: how the day-before reminder comes, and what to do when the official
// account cannot reach the deputy (GET /notifications/official-account).
function reminderOf(account) {
  const name = (account && account.name) || '联络站'
  const base = '接待日前一天通过公众号提醒您值班（「' + name + '」公众号的模板消息，不需要另外订阅）。'
  if (!account || account.follows === true || (account.linked && account.follows === null)) {
    return { text: base, warn: '', qrcode: '' }
  }
  const warn = account.linked
    ? '您还没有关注「' + name + '」公众号，值班提醒发不到您的微信。请在微信中搜索「' + name + '」并关注。'
    : '您的微信还没有和「' + name + '」公众号关联，值班提醒发不到您的微信。请关注「' + name +
      '」公众号，并在公众号里打开一次联络站的页面（如「我的」）。'
  return { text: base, warn, qrcode: account.qrcode_url || '' }
}

function percent(part, whole) {
  return whole > 0 && part > 0 ? Math.max(2, Math.round((100 * part) / whole)) : 0
}

// The record as figures and bars: each kind of point against the largest.
function recordOf(r) {
  const t = r.totals
  const items = r.points.items || []
  const top = Math.max(0, ...items.map((i) => i.points))
  return {
    year: r.year,
    points: r.points.total,
    figures: [
      { label: '进站履职', value: t.check_ins + ' 次' },
      { label: '参加接待', value: t.receptions + ' 次' },
      { label: '接待群众', value: t.residents + ' 人次' },
      { label: '被点将意见', value: t.opinions_in + ' 件' },
      { label: '响应时间中位数', value: t.median_response_days === null ? '—' : t.median_response_days + ' 天' },
      { label: '按期答复', value: t.in_time_share === null ? '—' : Math.round(t.in_time_share * 100) + '%' },
      { label: '满意度', value: t.satisfaction === null ? '—' : Math.round(t.satisfaction * 100) + '%' },
    ],
    bars: items.map((i) => ({ key: i.key, label: i.label, count: i.count, points: i.points, width: percent(i.points, top) })),
  }
}

Page({
  data: {
    pageClass: 'page',
    state: 'loading', // loading | ready | error | not_deputy
    errorText: '',
    rota: [],
    openDay: 0,
    bookings: [],
    bookingsText: '',
    record: null,
    recordError: '',
    reminder: reminderOf(null),
  },

  deputyId: 0,
  stationIds: [],

  onShow() {
    prefs.applyTextSize(this)
    this.load()
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh())
  },

  load() {
    return api
      .whoAmI()
      .then((res) => {
        this.deputyId = res.user.deputy_id || 0
        if (!this.deputyId) return this.setData({ state: 'not_deputy' })
        return api.getDeputy(this.deputyId).then((d) => {
          const stations = d.deputy.stations || []
          return Promise.all(stations.map((s) => api.receptionDays(s.id))).then((answers) => {
            this.setData({ state: 'ready', rota: rotaOf(stations, answers, this.deputyId) })
            return Promise.all([this.loadRecord(), this.loadReminder()]).then(() => undefined)
          })
        })
      })
      .catch((err) => this.setData({ state: 'error', errorText: errorMessage(err) }))
  },

  loadRecord() {
    return api
      .dutyRecord(this.deputyId)
      .then((r) => this.setData({ record: recordOf(r), recordError: '' }))
      .catch((err) => this.setData({ recordError: errorMessage(err) }))
  },

  // Whether the official account reaches the deputy; unknown keeps the plain line.
  loadReminder() {
    return api
      .officialAccount()
      .then((account) => this.setData({ reminder: reminderOf(account) }))
      .catch(() => this.setData({ reminder: reminderOf(null) }))
  },

  onRetry() {
    this.load()
  },

  // Who booked a duty day (tap again to fold it).
  onDay(e) {
    const id = Number(e.currentTarget.dataset.id)
    if (this.data.openDay === id) return this.setData({ openDay: 0 })
    this.setData({ openDay: id, bookings: [], bookingsText: '正在加载…' })
    return api
      .dayBookings(id)
      .then((res) => {
        const bookings = (res.items || []).map((b) => ({ id: b.id, resident: b.resident, note: b.note, state: b.state_label, phone: b.phone || '' }))
        this.setData({ bookings, bookingsText: bookings.length ? '' : '还没有群众预约这一天' })
      })
      .catch((err) => this.setData({ bookingsText: errorMessage(err) }))
  },

  // 扫码签到: the station's code, then the check-in with the phone's position.
  onScan() {
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode', 'wxCode'],
      success: (res) => {
        const parsed = entry.parseScanResult(res)
        if (parsed.status !== 'ok') {
          wx.showToast({ title: '这不是联络站的站码，请扫描站内张贴的二维码', icon: 'none' })
          return
        }
        api
          .resolveCode(parsed.token)
          .then((code) => checkin.checkInIfDeputy(code, parsed.token))
          .then((said) => {
            if (!said) wx.showToast({ title: '这不是您所在联络站的站码', icon: 'none' })
            else this.loadRecord()
          })
          .catch((err) => wx.showToast({ title: errorMessage(err), icon: 'none' }))
      },
    })
  },

  // 履职档案 as Excel or PDF: downloaded with the login, opened in WeChat's viewer.
  onFile(e) {
    const kind = e.currentTarget.dataset.kind
    wx.showLoading({ title: '正在生成…' })
    return api
      .dutyRecordFile(this.deputyId, kind)
      .then((filePath) => {
        wx.hideLoading()
        wx.openDocument({ filePath, fileType: kind, showMenu: true })
      })
      .catch((err) => {
        wx.hideLoading()
        wx.showToast({ title: errorMessage(err), icon: 'none' })
      })
  },
})

module.exports = { rotaOf, recordOf, reminderOf }
