// 我的建议: the closed-session suggestions (闭会期间代表建议) the deputy made from opinions,
// newest first, each with the opinion it came from (tap: the deputy's page of it) and what
// became of it: the handling unit's answer, once staff or the NPC office recorded it.
const api = require('../../utils/api')
const pages = require('../../utils/pages')
const prefs = require('../../utils/prefs')
const { formatTime } = require('../../utils/format')
const { errorMessage } = require('../../utils/request')

function toItem(s) {
  const o = s.opinion
  const outcome = s.outcome
  return {
    id: s.id,
    title: s.title,
    text: s.text || '',
    answered: s.state === 'answered',
    stateLabel: s.state_label || '',
    createdAt: formatTime(s.created_at),
    opinionId: o ? o.id : 0,
    opinionLine: o ? '来自意见 ' + o.number + '：' + o.summary : '',
    unitName: outcome ? outcome.unit_name : '',
    outcome: outcome ? outcome.text : '',
    answeredAt: outcome ? formatTime(outcome.answered_at) : '',
  }
}

Page({
  data: {
    pageClass: 'page',
    state: 'loading', // loading | ready | error | not_deputy
    errorText: '',
    items: [],
    total: 0,
    page: 0,
    loading: false,
    moreError: '',
  },

  onShow() {
    prefs.applyTextSize(this)
    this.start()
  },

  onPullDownRefresh() {
    this.start().then(() => wx.stopPullDownRefresh())
  },

  onReachBottom() {
    const d = this.data
    if (d.state === 'ready' && !d.loading && d.items.length < d.total) this.load(false)
  },

  // Only a bound deputy has suggestions of their own (GET /me says, the stored login first).
  start() {
    return api
      .whoAmI()
      .then((res) => {
        if (!res.user.deputy_id) return this.setData({ state: 'not_deputy' })
        return this.load(true)
      })
      .catch((err) => this.setData({ state: 'error', errorText: errorMessage(err) }))
  },

  load(reset) {
    const page = reset ? 1 : this.data.page + 1
    this.setData({ loading: true, moreError: '' })
    return api
      .mySuggestions(page)
      .then((res) => {
        const items = (res.items || []).map(toItem)
        this.setData({
          state: 'ready',
          items: reset ? items : this.data.items.concat(items),
          total: res.total || 0,
          page,
          loading: false,
        })
      })
      .catch((err) => {
        if (reset) this.setData({ state: 'error', errorText: errorMessage(err), loading: false })
        else this.setData({ moreError: errorMessage(err), loading: false })
      })
  },

  onRetry() {
    this.start()
  },

  onOpinion(e) {
    const id = Number(e.currentTarget.dataset.id)
    if (id) wx.navigateTo({ url: pages.url('deputy_opinion', { id }) })
  },

  onBind() {
    wx.navigateTo({ url: pages.url('deputy_me') })
  },

  onWorkbench() {
    wx.navigateTo({ url: pages.url('workbench') })
  },
})

module.exports = { toItem }
