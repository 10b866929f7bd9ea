// One opinion: text, photos, reply, rating and the handling timeline.
const api = require('../../utils/api')
const pages = require('../../utils/pages')
const subscribe = require('../../utils/subscribe')
const prefs = require('../../utils/prefs')
const { opinionView } = require('../../utils/opinion-view')
const { errorMessage } = require('../../utils/request')

function toView(o) {
  return Object.assign(opinionView(o), {
    canRate: (o.allowed_actions || []).indexOf('rate') >= 0,
    // Still something to hear about: offer 订阅办理进度 until it is closed or declined.
    canSubscribe: ['closed', 'declined'].indexOf(o.state) < 0,
  })
}

// What the 订阅办理进度 button says after a tap.
function subscribeToast(results, left) {
  if (left > 0) return '还有' + left + '项提醒，请再点一次'
  const ids = Object.keys(results)
  if (!ids.length) return '未订阅，可随时再点此按钮'
  return ids.some((id) => results[id] === 'accept') ? '已订阅，办理进展会通过微信通知您' : '未订阅，可随时再点此按钮'
}

Page({
  data: {
    pageClass: 'page',
    state: 'loading',
    errorText: '',
    created: false,
    opinion: null,
    events: [],
    subscribeReady: false, // the templates are loaded: the button can ask from its tap
    subscribeLeft: 0,
  },

  opinionId: '',
  loaded: false,
  asker: null,

  onLoad(options) {
    this.opinionId = options.id
    this.setData({ created: options.created === '1' })
    this.loaded = false
    this.asker = subscribe.createAsker('progress')
    this.asker.load().then((groups) => this.setData({ subscribeReady: groups.length > 0 }))
    this.load()
  },

  onShow() {
    prefs.applyTextSize(this)
    // Back from the rating page: show the new state.
    if (this.loaded) this.load()
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh())
  },

  load() {
    if (!this.data.opinion) this.setData({ state: 'loading' })
    return api
      .getOpinion(this.opinionId)
      .then((res) => {
        this.loaded = true
        this.setData({ state: 'ready', opinion: toView(res.opinion), events: res.opinion.events || [] })
      })
      .catch((err) => this.setData({ state: 'error', errorText: errorMessage(err) }))
  },

  onRetry() {
    this.load()
  },

  onPreview(e) {
    const urls = this.data.opinion.photos
    wx.previewImage({ urls, current: urls[e.currentTarget.dataset.index] })
  },

  onRate() {
    wx.navigateTo({ url: pages.url('rate', { id: this.opinionId }) })
  },

  // Tap handler of 订阅办理进度: each accepted one-time template is one later message,
  // so the resident can come back and tap again; WeChat opens the dialog only from a tap.
  onSubscribeTap() {
    this.asker.tap((results, left) => {
      this.setData({ subscribeLeft: left })
      wx.showToast({ title: subscribeToast(results, left), icon: 'none' })
    })
  },
})

module.exports = { toView, subscribeToast }
