// The resident's own opinions, grouped as the API groups them.
const api = require('../../utils/api')
const prefs = require('../../utils/prefs')
const { listData, listHandlers } = require('../../utils/opinion-list')
const { briefs } = require('../../utils/opinion-view')

const TABS = [
  { key: 'open', label: '办理中' },
  { key: 'resolved', label: '已答复' },
  { key: 'closed', label: '已办结' },
]

const toItems = briefs

Page({
  ...listHandlers,

  data: {
    pageClass: 'page',
    tabs: TABS,
    tab: 'open',
    ...listData,
  },

  onShow() {
    prefs.applyTextSize(this)
    this.load(true)
  },

  fetchPage(tab, page) {
    return api.listOpinions({ stateGroup: tab, page })
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
