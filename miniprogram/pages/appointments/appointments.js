// 我的预约: the resident's bookings of reception days (to come, then past), cancelling one
// after a confirmation, and the station's place on the map (wx.openLocation).
const api = require('../../utils/api')
const prefs = require('../../utils/prefs')
const { formatDate } = require('../../utils/format')
const { errorMessage } = require('../../utils/request')

function toItem(a) {
  const s = a.station || {}
  return {
    id: a.id,
    stationName: s.name || '',
    address: s.address || '',
    latitude: s.latitude,
    longitude: s.longitude,
    hasPlace: typeof s.latitude === 'number' && typeof s.longitude === 'number',
    dateLabel: formatDate(a.date),
    timeLabel: a.start && a.end ? a.start + '-' + a.end : '',
    state: a.state,
    stateLabel: a.state_label || '',
    dayCancelled: !!a.day_cancelled,
    canCancel: !!a.can_cancel,
    upcoming: !!a.upcoming,
  }
}

// The backend lists the latest day first; days to come read best soonest first.
function toGroups(items) {
  const all = (items || []).map(toItem)
  const upcoming = all.filter((a) => a.upcoming).reverse()
  const past = all.filter((a) => !a.upcoming)
  return { upcoming, past }
}

Page({
  data: {
    pageClass: 'page',
    state: 'loading',
    errorText: '',
    upcoming: [],
    past: [],
    groups: [],
    cancelling: 0,
  },

  onShow() {
    prefs.applyTextSize(this)
    this.load()
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh())
  },

  load() {
    if (!this.data.upcoming.length && !this.data.past.length) this.setData({ state: 'loading' })
    return api
      .listAppointments()
      .then((res) => this.show(toGroups(res.items)))
      .catch((err) => this.setData({ state: 'error', errorText: errorMessage(err) }))
  },

  show({ upcoming, past }) {
    this.setData({
      state: 'ready',
      upcoming,
      past,
      groups: [
        { key: 'upcoming', title: '待参加', items: upcoming },
        { key: 'past', title: '已结束或已取消', items: past },
      ],
    })
  },

  onRetry() {
    this.load()
  },

  find(id) {
    return this.data.upcoming.concat(this.data.past).find((a) => String(a.id) === String(id))
  },

  onOpenMap(e) {
    const a = this.find(e.currentTarget.dataset.id)
    if (!a) return
    if (!a.hasPlace) {
      wx.showToast({ title: '联络站尚未登记地图位置', icon: 'none' })
      return
    }
    wx.openLocation({ latitude: a.latitude, longitude: a.longitude, name: a.stationName, address: a.address, scale: 17 })
  },

  onCancel(e) {
    const a = this.find(e.currentTarget.dataset.id)
    if (!a || this.data.cancelling) return
    wx.showModal({
      title: '取消预约',
      content: '确定取消' + a.dateLabel + '在' + a.stationName + '的接待预约吗？',
      confirmText: '取消预约',
      cancelText: '再想想',
      success: (res) => {
        if (res.confirm) this.cancel(a)
      },
    })
  },

  cancel(a) {
    this.setData({ cancelling: a.id })
    return api
      .cancelAppointment(a.id)
      .then(() => wx.showToast({ title: '已取消预约', icon: 'success' }))
      .catch((err) => wx.showToast({ title: errorMessage(err), icon: 'none' }))
      .then(() => {
        this.setData({ cancelling: 0 })
        return this.load()
      })
  },
})

module.exports = { toGroups }
