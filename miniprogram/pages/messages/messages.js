// Messages about the resident's opinions (受理、答复…).
const api = require('../../utils/api')
const pages = require('../../utils/pages')
const prefs = require('../../utils/prefs')
const { formatTime } = require('../../utils/format')
const { errorMessage } = require('../../utils/request')

function toItems(items) {
  return (items || []).map((m) => ({
    id: m.id,
    title: m.title,
    body: m.body,
    at: formatTime(m.at),
    read: !!m.read,
    opinionId: m.opinion_id || '',
  }))
}

Page({
  data: {
    pageClass: 'page',
    state: 'loading',
    errorText: '',
    items: [],
  },

  onShow() {
    prefs.applyTextSize(this)
    this.load()
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh())
  },

  load() {
    if (!this.data.items.length) this.setData({ state: 'loading' })
    return api
      .listMessages()
      .then((res) => this.setData({ state: 'ready', items: toItems(res.items) }))
      .catch((err) => this.setData({ state: 'error', errorText: errorMessage(err) }))
  },

  onRetry() {
    this.load()
  },

  onOpen(e) {
    const { opinion, id } = e.currentTarget.dataset
    const i = this.data.items.findIndex((m) => String(m.id) === String(id))
    if (i >= 0 && !this.data.items[i].read) {
      this.setData({ ['items[' + i + '].read']: true })
      api.readMessage(id).catch(() => {})
    }
    if (opinion) wx.navigateTo({ url: pages.url('opinion', { id: opinion }) })
  },
})

module.exports = { toItems }
