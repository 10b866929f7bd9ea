// Settings: large text, my appointments, linking a web account, privacy guideline.
const api = require('../../utils/api')
const { USER_KEY } = require('../../utils/request')
const { errorMessage } = require('../../utils/errors')
const pages = require('../../utils/pages')
const prefs = require('../../utils/prefs')
const { formatDate } = require('../../utils/format')

const LINK_CODE = /^[0-9]{6}$/

function toAppointments(items) {
  return (items || []).map((a) => ({
    id: a.id,
    stationName: a.station ? a.station.name : '',
    dateLabel: formatDate(a.date),
    stateLabel: a.state_label || '',
  }))
}

Page({
  data: {
    pageClass: 'page',
    largeText: false,
    appointments: [],
    appointmentsError: '',
    version: '',
    linkCode: '',
    linkReady: false,
    linking: false,
    linkError: '',
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

  onOpenAppointments() {
    wx.navigateTo({ url: pages.url('appointments') })
  },

  onLargeTextChange(e) {
    prefs.setLargeText(!!e.detail.value)
    this.setData({ largeText: prefs.isLargeText() })
    prefs.applyTextSize(this)
  },

  onLinkCodeInput(e) {
    const linkCode = String(e.detail.value || '').replace(/[^0-9]/g, '').slice(0, 6)
    this.setData({ linkCode, linkReady: LINK_CODE.test(linkCode), linkError: '' })
  },

  // 关联网页账号: the web account that showed this code becomes part of this one.
  onLink() {
    const code = this.data.linkCode
    if (this.data.linking || !LINK_CODE.test(code)) return
    this.setData({ linking: true, linkError: '' })
    return api
      .linkWebAccount(code)
      .then((res) => {
        if (res.user) wx.setStorageSync(USER_KEY, res.user)
        this.setData({ linking: false, linkCode: '', linkReady: false })
        wx.showToast(res.merged ? { title: '已关联网页账号', icon: 'success' } : { title: '已是同一个账号，无需关联', icon: 'none' })
      })
      .catch((err) => {
        const message = errorMessage(err)
        this.setData({ linking: false, linkError: message })
        wx.showToast({ title: message, icon: 'none' })
      })
  },

  onOpenPrivacy() {
    if (typeof wx.openPrivacyContract === 'function') wx.openPrivacyContract({})
  },

  // The deputy's side: 我的代表身份 (binding, code, card) and the 代表工作台.
  onDeputyMe() {
    wx.navigateTo({ url: pages.url('deputy_me') })
  },

  onWorkbench() {
    wx.navigateTo({ url: pages.url('workbench') })
  },
})

module.exports = { toAppointments }
