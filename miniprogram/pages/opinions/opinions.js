// The resident's own opinions, grouped as the API groups them.
const api = require('../../utils/api')
const prefs = require('../../utils/prefs')
const { briefs } = require('../../utils/opinion-view')
const { errorMessage } = require('../../utils/request')

const TABS = [
  { key: 'open', label: '办理中' },
  { key: 'resolved', label: '已答复' },
  { key: 'closed', label: '已办结' },
]

const toItems = briefs

Page({
  data: {
    pageClass: 'page',
    tabs: TABS,
    tab: 'open',
    items: [],
    total: 0,
    page: 0,
    loading: false,
    errorText: '',
  },

  onShow() {
    prefs.applyTextSize(this)
    this.load(true)
  },

  onPullDownRefresh() {
    this.load(true).then(() => wx.stopPullDownRefresh())
  },

  onReachBottom() {
    const d = this.data
    if (!d.loading && d.items.length < d.total) this.load(false)
  },

  onTab(e) {
    const tab = e.currentTarget.dataset.key
    if (tab === this.data.tab) return
    this.setData({ tab, items: [], total: 0, page: 0 })
    this.load(true)
  },

  load(reset) {
    const page = reset ? 1 : this.data.page + 1
    const tab = this.data.tab
    this.setData({ loading: true, errorText: '' })
    return api
      .listOpinions({ stateGroup: tab, page })
      .then((res) => {
        if (tab !== this.data.tab) return
        const items = toItems(res.items)
        this.setData({
          items: reset ? items : this.data.items.concat(items),
          total: res.total || 0,
          page,
          loading: false,
        })
      })
      .catch((err) => this.setData({ loading: false, errorText: errorMessage(err) }))
  },

  onOpen(e) {
    wx.navigateTo({ url: '/pages/opinion/opinion?id=' + e.currentTarget.dataset.id })
  },

  onRetry() {
    this.load(true)
  },

  onGoFind() {
    wx.switchTab({ url: '/pages/index/index' })
  },
})

module.exports = { toItems }
