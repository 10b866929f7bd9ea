// 代表工作台: the opinions that summoned the deputy (点将) and those of their stations,
// with filters; each opens the deputy's view of the opinion.
const api = require('../../utils/api')
const pages = require('../../utils/pages')
const prefs = require('../../utils/prefs')
const { currentUser, errorMessage } = require('../../utils/request')
const { briefs } = require('../../utils/opinion-view')

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
  data: {
    pageClass: 'page',
    tabs: TABS,
    tab: 'summoned',
    q: '',
    deputyId: 0,
    notDeputy: false,
    items: [],
    total: 0,
    page: 0,
    loading: false,
    errorText: '',
  },

  onShow() {
    prefs.applyTextSize(this)
    this.start()
  },

  // Who is asking: only a bound deputy has a 工作台 (GET /me says, the stored login first).
  start() {
    const user = currentUser()
    const known = user && user.deputy_id ? Promise.resolve({ user }) : api.me()
    return known
      .then((res) => {
        const deputyId = res.user.deputy_id || 0
        this.setData({ deputyId, notDeputy: !deputyId })
        return deputyId ? this.load(true) : null
      })
      .catch((err) => this.setData({ errorText: errorMessage(err) }))
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

  onSearchInput(e) {
    this.setData({ q: e.detail.value })
  },

  onSearch() {
    this.setData({ items: [], total: 0, page: 0 })
    this.load(true)
  },

  load(reset) {
    const page = reset ? 1 : this.data.page + 1
    const tab = this.data.tab
    this.setData({ loading: true, errorText: '' })
    const opts = Object.assign(filtersOf(tab, this.data.deputyId, this.data.q), { page })
    return api
      .deputyOpinions(opts)
      .then((res) => {
        if (tab !== this.data.tab) return
        const items = briefs(res.items)
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
    wx.navigateTo({ url: pages.url('deputy_opinion', { id: e.currentTarget.dataset.id }) })
  },

  onRetry() {
    this.start()
  },

  onBind() {
    wx.navigateTo({ url: pages.url('deputy_me') })
  },
})

module.exports = { filtersOf, TABS }
