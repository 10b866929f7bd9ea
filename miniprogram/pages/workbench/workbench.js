// 代表工作台: the opinions that summoned the deputy (点将) and those of their stations,
// with filters; each opens the deputy's view of the opinion.
const api = require('../../utils/api')
const pages = require('../../utils/pages')
const prefs = require('../../utils/prefs')
const { errorMessage } = require('../../utils/request')
const { listData, listHandlers } = require('../../utils/opinion-list')

// Each tab is a filter of GET /api/v1/opinions (summoned: deputy_id is the deputy's own).
const TABS = [
  { key: 'summoned', label: '点将我的' },
  { key: 'open', label: '办理中' },
  { key: 'answered', label: '已答复' },
  { key: 'overdue', label: '已超期' },
  { key: 'all', label: '全部' },
]

function filtersOf(tab, deputyId, q) {
  const base = { q: q || undefined }
  if (tab === 'summoned') return Object.assign(base, { deputyId })
  if (tab === 'overdue') return Object.assign(base, { overdue: true })
  return Object.assign(base, { state: tab })
}

Page({
  ...listHandlers,

  data: {
    pageClass: 'page',
    tabs: TABS,
    tab: 'summoned',
    q: '',
    deputyId: 0,
    notDeputy: false,
    ...listData,
  },

  onShow() {
    prefs.applyTextSize(this)
    this.start()
  },

  // Who is asking: only a bound deputy has a 工作台 (GET /me says, the stored login first).
  start() {
    return api
      .whoAmI()
      .then((res) => {
        const deputyId = res.user.deputy_id || 0
        this.setData({ deputyId, notDeputy: !deputyId })
        return deputyId ? this.load(true) : null
      })
      .catch((err) => this.setData({ errorText: errorMessage(err) }))
  },

  onSearchInput(e) {
    this.setData({ q: e.detail.value })
  },

  onSearch() {
    this.setData({ items: [], total: 0, page: 0 })
    this.load(true)
  },

  fetchPage(tab, page) {
    return api.deputyOpinions(Object.assign(filtersOf(tab, this.data.deputyId, this.data.q), { page }))
  },

  onOpen(e) {
    wx.navigateTo({ url: pages.url('deputy_opinion', { id: e.currentTarget.dataset.id }) })
  },

  onRetry() {
    this.start()
  },

  onBind() {
    wx.navigateTo({ url: pages.url('deputy_me') })
  },

  // 我的建议: the suggestions made from these opinions and what became of them.
  onSuggestions() {
    wx.navigateTo({ url: pages.url('suggestions') })
  },
})

module.exports = { filtersOf, TABS }
