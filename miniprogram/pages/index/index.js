// Entry page: opens the station or deputy of a scanned code / share card,
// shows what went wrong when it cannot, and otherwise lists stations.
const api = require('../../utils/api')
const entry = require('../../utils/entry')
const prefs = require('../../utils/prefs')
const { errorMessage } = require('../../utils/request')
const checkin = require('../../utils/checkin')

const PER_PAGE = 20

Page({
  data: {
    pageClass: 'page',
    mode: 'directory', // opening | status | directory
    status: null,
    q: '',
    stations: [],
    total: 0,
    page: 0,
    loading: false,
    listError: '',
  },

  // Instance fields (not rendered).
  entryToken: '',
  rotatedToken: '',
  scanned: false,

  onLoad(options) {
    const parsed = entry.parseEntryOptions(options)
    if (parsed.status === 'ok') {
      // Only a real scan of a station code counts as a deputy's check-in, not a share card.
      this.scanned = parsed.source === 'qrcode' || parsed.source === 'wxacode'
      this.openToken(parsed.token)
    } else if (parsed.status === 'invalid') {
      this.showStatus({ state: 'invalid' })
    } else {
      this.showDirectory()
    }
  },

  onShow() {
    prefs.applyTextSize(this)
  },

  onPullDownRefresh() {
    if (this.data.mode !== 'directory') {
      wx.stopPullDownRefresh()
      return
    }
    this.loadStations(true).then(() => wx.stopPullDownRefresh())
  },

  onReachBottom() {
    const d = this.data
    if (d.mode === 'directory' && !d.loading && d.stations.length < d.total) this.loadStations(false)
  },

  onShareAppMessage() {
    return { title: '人大代表联络站：找代表，反映问题', path: '/pages/index/index' }
  },

  // ---- entry ---------------------------------------------------------------

  openToken(token) {
    this.entryToken = token
    this.setData({ mode: 'opening', status: null })
    return api
      .resolveCode(token)
      .then((code) => {
        const url = entry.targetUrl(code)
        if (!url) {
          this.showStatus({ state: 'not_found' })
          return
        }
        wx.navigateTo({ url })
        if (this.scanned) checkin.checkInIfDeputy(code, token)
        // Coming back from the station shows the directory, not the spinner.
        this.showDirectory()
      })
      .catch((err) => {
        const result = entry.classifyCodeError(err)
        this.rotatedToken = result.state === 'rotated' ? result.token : ''
        this.showStatus(result)
      })
  },

  showStatus(result) {
    this.setData({ mode: 'status', status: entry.codeStatusView(result) })
  },

  onStatusPrimary() {
    const state = this.data.status && this.data.status.state
    if (state === 'rotated' && this.rotatedToken) this.openToken(this.rotatedToken)
    else if ((state === 'network' || state === 'error') && this.entryToken) this.openToken(this.entryToken)
    else this.showDirectory()
  },

  onStatusSecondary() {
    this.showDirectory()
  },

  onScan() {
    wx.scanCode({
      onlyFromCamera: false,
      scanType: ['qrCode', 'wxCode'],
      success: (res) => {
        const parsed = entry.parseScanResult(res)
        if (parsed.status === 'ok') {
          this.scanned = true
          this.openToken(parsed.token)
        } else this.showStatus({ state: 'invalid' })
      },
    })
  },

  // ---- station directory ------------------------------------------------------

  showDirectory() {
    this.setData({ mode: 'directory', status: null })
    if (!this.data.page && !this.data.loading) this.loadStations(true)
  },

  onSearchInput(e) {
    this.setData({ q: e.detail.value })
  },

  onSearch() {
    this.loadStations(true)
  },

  onClearSearch() {
    this.setData({ q: '' })
    this.loadStations(true)
  },

  loadStations(reset) {
    const page = reset ? 1 : this.data.page + 1
    this.setData({ loading: true, listError: '' })
    return api
      .listStations({ q: this.data.q.trim(), page, perPage: PER_PAGE })
      .then((res) => {
        const items = res.items || []
        this.setData({
          stations: reset ? items : this.data.stations.concat(items),
          total: res.total || 0,
          page,
          loading: false,
        })
      })
      .catch((err) => {
        this.setData({ loading: false, listError: errorMessage(err) })
      })
  },

  onOpenStation(e) {
    wx.navigateTo({ url: '/pages/station/station?id=' + e.currentTarget.dataset.id })
  },
})
