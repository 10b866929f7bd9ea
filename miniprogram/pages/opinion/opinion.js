// One opinion: text, photos, reply, rating and the handling timeline.
const api = require('../../utils/api')
const config = require('../../utils/config')
const prefs = require('../../utils/prefs')
const { formatTime, ratingLabel } = require('../../utils/format')
const { errorMessage } = require('../../utils/request')

function absolute(url) {
  if (!url || /^https?:\/\//.test(url)) return url
  return config.apiBase() + url
}

function toView(o) {
  return {
    id: o.id,
    number: o.number,
    stateLabel: o.state_label,
    stateGroup: o.state_group,
    categoryLabel: o.category_label,
    stationName: o.station ? o.station.name : '',
    deputyName: o.deputy ? o.deputy.name : '',
    createdAt: formatTime(o.created_at),
    deadline: o.deadline || '',
    overdue: !!o.overdue,
    text: o.text,
    photos: (o.photos || []).map((p) => absolute(p.url)),
    anonymous: !!o.anonymous,
    contactPhone: o.contact_phone || '',
    reply: o.reply ? { text: o.reply.text, at: formatTime(o.reply.at), unit: o.reply.unit && o.reply.unit.name ? o.reply.unit.name : '' } : null,
    rating: o.rating
      ? { label: ratingLabel(o.rating.rating), comment: o.rating.comment || '', at: formatTime(o.rating.at) }
      : null,
    canRate: (o.allowed_actions || []).indexOf('rate') >= 0,
  }
}

Page({
  data: {
    pageClass: 'page',
    state: 'loading',
    errorText: '',
    created: false,
    opinion: null,
    events: [],
  },

  opinionId: '',
  loaded: false,

  onLoad(options) {
    this.opinionId = options.id
    this.setData({ created: options.created === '1' })
    this.loaded = false
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
    wx.navigateTo({ url: '/pages/rate/rate?id=' + this.opinionId })
  },
})

module.exports = { toView }
