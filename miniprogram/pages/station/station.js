// A station: its deputies, the next reception days, booking an appointment
// and the way to submit an opinion.
const api = require('../../utils/api')
const pages = require('../../utils/pages')
const prefs = require('../../utils/prefs')
const subscribe = require('../../utils/subscribe')
const { formatDate } = require('../../utils/format')
const { errorMessage } = require('../../utils/request')

function toDays(items) {
  return (items || []).map((d) => ({
    date: d.date,
    dateLabel: formatDate(d.date),
    timeLabel: d.start && d.end ? d.start + '–' + d.end : '',
    deputyNames: (d.deputies || []).map((p) => p.name).join('、'),
    slotsLeft: typeof d.slots_left === 'number' ? d.slots_left : null,
    full: d.slots_left === 0,
  }))
}

function toConsultations(items) {
  return (items || []).map((c) => ({
    id: c.id,
    title: c.title,
    closesLabel: formatDate(c.closes_on),
    articles: c.articles_count,
  }))
}

Page({
  data: {
    pageClass: 'page',
    state: 'loading', // loading | ready | error
    errorText: '',
    station: null,
    days: [],
    consultations: [], // open draft-law consultations (立法意见征集) sent to this station
    booking: null, // {date, dateLabel, note, submitting, error}
  },

  stationId: '',
  asker: null,

  onLoad(options) {
    this.stationId = options.id
    // The day-before reminder of a booked reception day is asked for when booking.
    this.asker = subscribe.createAsker('booked')
    this.asker.load()
    this.load()
  },

  onShow() {
    prefs.applyTextSize(this)
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh())
  },

  onShareAppMessage() {
    const s = this.data.station
    if (!s) return { title: '人大代表联络站', path: '/pages/index/index' }
    return { title: s.name, path: '/pages/index/index?token=' + s.code_token }
  },

  load() {
    this.setData({ state: this.data.station ? 'ready' : 'loading', errorText: '' })
    return api
      .getStation(this.stationId)
      .then((res) => {
        const station = res.station
        getApp().globalData.lastStation = { id: station.id, name: station.name }
        wx.setNavigationBarTitle({ title: station.name })
        this.setData({ station, state: 'ready', days: toDays(station.next_reception_days) })
        // The open consultations of the station (a failure leaves the section out).
        api
          .stationConsultations(station.id)
          .then((r) => this.setData({ consultations: toConsultations(r.items) }))
          .catch(() => {})
        // The reception-days list carries times and free places.
        return api
          .receptionDays(station.id)
          .then((r) => this.setData({ days: toDays(r.items) }))
          .catch(() => {})
      })
      .catch((err) => {
        this.setData({ state: 'error', errorText: errorMessage(err) })
      })
  },

  onRetry() {
    this.load()
  },

  onOpenDeputy(e) {
    wx.navigateTo({ url: pages.url('deputy', { id: e.detail.id }) })
  },

  onOpenConsultation(e) {
    wx.navigateTo({ url: pages.url('consultation', { id: e.currentTarget.dataset.id }) })
  },

  onSubmitOpinion() {
    const s = this.data.station
    wx.navigateTo({ url: pages.url('submit', { station_id: s.id, station_name: s.name }) })
  },

  // ---- appointment ------------------------------------------------------------

  onMyAppointments() {
    wx.navigateTo({ url: pages.url('appointments') })
  },

  onBook(e) {
    const day = this.data.days[e.currentTarget.dataset.index]
    if (!day || day.full) return
    this.setData({ booking: { date: day.date, dateLabel: day.dateLabel, note: '', submitting: false, error: '' } })
  },

  onBookingNote(e) {
    this.setData({ 'booking.note': e.detail.value })
  },

  onCancelBooking() {
    this.setData({ booking: null })
  },

  onConfirmBooking() {
    const b = this.data.booking
    if (!b || b.submitting) return
    this.setData({ 'booking.submitting': true, 'booking.error': '' })
    // From this tap: the reminder's consent first (WeChat allows the dialog only here).
    this.asker.tap(() => this.book(b))
  },

  book(b) {
    return api
      .createAppointment({ station_id: this.data.station.id, date: b.date, note: b.note.trim() })
      .then(() => {
        this.setData({ booking: null })
        wx.showModal({
          title: '预约成功',
          content: '已为您预约' + b.dateLabel + '的接待，请按时到联络站。',
          showCancel: false,
          confirmText: '知道了',
        })
        return api.receptionDays(this.data.station.id).then((r) => this.setData({ days: toDays(r.items) }))
      })
      .catch((err) => {
        if (this.data.booking) this.setData({ 'booking.submitting': false, 'booking.error': errorMessage(err) })
      })
  },
})

module.exports = { toDays, toConsultations }
