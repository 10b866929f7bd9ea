// 我的代表身份: a deputy binds this WeChat (the invitation code from their station, with
// the WeChat-verified phone matched against the roster), then sees who they are: levels,
// stations, their code and contact card, and shares the card.
const api = require('../../utils/api')
const pages = require('../../utils/pages')
const prefs = require('../../utils/prefs')
const { membershipLabel } = require('../../utils/format')
const { errorMessage, rememberUser } = require('../../utils/request')

function toView(d) {
  return {
    id: d.id,
    name: d.name,
    photoUrl: d.photo_url || '',
    initial: d.name ? d.name.slice(0, 1) : '',
    levelLabels: d.level_labels || [],
    workUnit: d.work_unit || '',
    post: d.post || '',
    stations: (d.stations || []).map((s) => ({ id: s.id, name: s.name, membership: membershipLabel(s.membership) })),
    qrUrl: d.code_token ? api.codeImageUrl(d.code_token, 'qr.png') : '',
    cardUrl: d.code_token ? api.codeImageUrl(d.code_token, 'poster.png') : '',
  }
}

Page({
  data: {
    pageClass: 'page',
    state: 'loading', // loading | bind | ready | error
    errorText: '',
    deputy: null,
    inviteCode: '',
    bindError: '',
    binding: false,
  },

  onShow() {
    prefs.applyTextSize(this)
    this.load()
  },

  load() {
    return api
      .whoAmI()
      .then((res) => {
        if (!res.user.deputy_id) return this.setData({ state: 'bind' })
        return api.getDeputy(res.user.deputy_id).then((d) => this.setData({ state: 'ready', deputy: toView(d.deputy) }))
      })
      .catch((err) => this.setData({ state: 'error', errorText: errorMessage(err) }))
  },

  onRetry() {
    this.load()
  },

  onCodeInput(e) {
    this.setData({ inviteCode: e.detail.value.trim(), bindError: '' })
  },

  // The getPhoneNumber button: WeChat gives a one-time code for the verified phone (or
  // nothing when the deputy declined); the backend matches it against the roster.
  onPhoneNumber(e) {
    const phoneCode = e.detail && e.detail.code
    if (!phoneCode) {
      this.setData({ bindError: '需要授权手机号才能核对代表档案，请再点一次并选择允许' })
      return
    }
    return this.bind(phoneCode)
  },

  // An invitation that does not ask for the phone (sent to the deputy in person).
  onBindWithCode() {
    return this.bind('')
  },

  bind(phoneCode) {
    const code = this.data.inviteCode
    if (!code) {
      this.setData({ bindError: '请先输入联络站给您的邀请码' })
      return
    }
    this.setData({ binding: true, bindError: '' })
    return api
      .acceptInvitation(code, phoneCode)
      .then((res) => {
        rememberUser(res.user)
        this.setData({ binding: false })
        wx.showToast({ title: '绑定成功', icon: 'success' })
        return this.load()
      })
      .catch((err) => this.setData({ binding: false, bindError: errorMessage(err) }))
  },

  onPreviewCard() {
    const d = this.data.deputy
    wx.previewImage({ urls: [d.cardUrl, d.qrUrl], current: d.cardUrl })
  },

  onWorkbench() {
    wx.navigateTo({ url: pages.url('workbench') })
  },

  onDuty() {
    wx.navigateTo({ url: pages.url('duty') })
  },

  // 分享名片: the deputy's public page, where residents can 点将.
  onShareAppMessage() {
    const d = this.data.deputy
    if (!d) return { title: '人大代表联络站', path: pages.url('index') }
    return { title: d.name + '代表的联系卡', path: pages.url('deputy', { id: d.id }), imageUrl: d.qrUrl }
  },
})

module.exports = { toView }
