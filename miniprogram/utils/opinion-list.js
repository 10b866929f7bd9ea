// The paged, tabbed list of opinions shared by 我的反映 and the 代表工作台. A page mixes
// these handlers in (Page({ ...listHandlers, ... })) and defines
// fetchPage(tab, page), the request for one page of the current tab; its data has a
// tab and the fields of listData.
const { briefs } = require('./opinion-view')
const { errorMessage } = require('./errors')

const listData = { items: [], total: 0, page: 0, loading: false, errorText: '' }

const listHandlers = {
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
    return this.fetchPage(tab, page)
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
}

module.exports = { listData, listHandlers }
