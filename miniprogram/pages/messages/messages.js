// Messages about the resident's opinions (受理、答复…).
const api = require('../../utils/api')
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
    const id = e.currentTarget.dataset.opinion
    if (id) wx.navigateTo({ url: '/pages/opinion/opinion?id=' + id })
  },
})

module.exports = { toItems }
