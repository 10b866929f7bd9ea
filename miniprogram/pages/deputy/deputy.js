// A deputy: photo, levels, work unit, stations, and "找TA反映" (summon).
const api = require('../../utils/api')
const pages = require('../../utils/pages')
const prefs = require('../../utils/prefs')
const { membershipLabel } = require('../../utils/format')
const { errorMessage } = require('../../utils/request')

// Home stations first, then cross-station memberships.
function toStations(list) {
  return (list || [])
    .slice()
    .sort((a, b) => (a.membership === 'home' ? 0 : 1) - (b.membership === 'home' ? 0 : 1))
    .map((s) => ({ id: s.id, name: s.name, membershipLabel: membershipLabel(s.membership) }))
}

Page({
  data: {
    pageClass: 'page',
    state: 'loading',
    errorText: '',
    deputy: null,
    initial: '',
    stations: [],
  },

  deputyId: '',

  onLoad(options) {
    this.deputyId = options.id
    this.load()
  },

  onShow() {
    prefs.applyTextSize(this)
  },

  onShareAppMessage() {
    const d = this.data.deputy
    if (!d) return { title: '人大代表联络站', path: '/pages/index/index' }
    return { title: '人大代表' + d.name, path: '/pages/index/index?token=' + d.code_token }
  },

  load() {
    this.setData({ state: 'loading', errorText: '' })
    return api
      .getDeputy(this.deputyId)
      .then((res) => {
        const deputy = res.deputy
        wx.setNavigationBarTitle({ title: deputy.name + ' 代表' })
        this.setData({
          state: 'ready',
          deputy,
          initial: deputy.name ? deputy.name.slice(0, 1) : '',
          stations: toStations(deputy.stations),
        })
      })
      .catch((err) => this.setData({ state: 'error', errorText: errorMessage(err) }))
  },

  onRetry() {
    this.load()
  },

  onOpenStation(e) {
    wx.navigateTo({ url: pages.url('station', { id: e.currentTarget.dataset.id }) })
  },

  onPreviewPhoto() {
    const url = this.data.deputy && this.data.deputy.photo_url
    if (url) wx.previewImage({ urls: [url], current: url })
  },

  // 找TA反映: the opinion goes to one of the deputy's stations.
  onSummon() {
    const stations = this.data.stations
    if (!stations.length) {
      wx.showToast({ title: '该代表暂未进站，请到联络站反映', icon: 'none' })
      return
    }
    if (stations.length === 1) {
      this.goSubmit(stations[0])
      return
    }
    wx.showActionSheet({
      alertText: '请选择向哪个联络站反映',
      itemList: stations.map((s) => s.name).slice(0, 6),
      success: (res) => this.goSubmit(stations[res.tapIndex]),
    })
  },

  goSubmit(station) {
    const d = this.data.deputy
    wx.navigateTo({
      url: pages.url('submit', { station_id: station.id, station_name: station.name, deputy_id: d.id, deputy_name: d.name }),
    })
  },
})

module.exports = { toStations }
