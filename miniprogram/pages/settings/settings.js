// Settings: large text, my appointments, privacy guideline.
const api = require('../../utils/api')
const prefs = require('../../utils/prefs')
const { formatDate } = require('../../utils/format')

const APPOINTMENT_STATES = { booked: '已预约', cancelled: '已取消', attended: '已接待' }

function toAppointments(items) {
  return (items || []).map((a) => ({
    id: a.id,
    stationName: a.station ? a.station.name : '',
    dateLabel: formatDate(a.date),
    stateLabel: APPOINTMENT_STATES[a.state] || a.state || '',
  }))
}

Page({
  data: {
    pageClass: 'page',
    largeText: false,
    appointments: [],
    appointmentsError: '',
    version: '',
  },

  onShow() {
    prefs.applyTextSize(this)
    let version = ''
    try {
      const mp = wx.getAccountInfoSync().miniProgram
      version = mp.version || mp.envVersion || ''
    } catch (e) {
      version = ''
    }
    this.setData({ largeText: prefs.isLargeText(), version })
    api
      .listAppointments()
      .then((res) => this.setData({ appointments: toAppointments(res.items), appointmentsError: '' }))
      .catch(() => this.setData({ appointmentsError: '暂时无法获取预约记录' }))
  },

  onLargeTextChange(e) {
    prefs.setLargeText(!!e.detail.value)
    this.setData({ largeText: prefs.isLargeText() })
    prefs.applyTextSize(this)
  },

  onOpenPrivacy() {
    if (typeof wx.openPrivacyContract === 'function') wx.openPrivacyContract({})
  },
})

module.exports = { toAppointments }
