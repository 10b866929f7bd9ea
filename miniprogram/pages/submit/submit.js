// Submit an opinion to a station (and optionally a summoned deputy).
const api = require('../../utils/api')
const prefs = require('../../utils/prefs')
const drafts = require('../../utils/draft')
const subscribe = require('../../utils/subscribe')
const pages = require('../../utils/pages')
const form = require('../../utils/opinion-form')
const { errorMessage, fieldErrors } = require('../../utils/request')
const { ApiError } = require('../../utils/errors')
const { decodeFully } = require('../../utils/entry')

let photoSeq = 0
// While the backend registers a submit it took in a busy moment: ask every second, 30 times.
const INTAKE_POLL_MS = 1000
const INTAKE_POLLS = 30
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

Page({
  data: {
    pageClass: 'page',
    stationName: '',
    deputyName: '',
    categories: [],
    categoryIndex: -1,
    text: '',
    textLength: 0,
    maxText: form.MAX_TEXT,
    maxPhotos: form.MAX_PHOTOS,
    photos: [], // {key, path, status: uploading|done|failed, id, url}
    phoneMode: 'none', // none | wechat | typed
    phone: '',
    anonymous: false,
    errors: {},
    formError: '',
    submitting: false,
  },

  // Instance fields (not rendered).
  stationId: '',
  deputyId: '',
  draftId: '',
  phoneCode: '', // getPhoneNumber code, valid once for 5 minutes: never stored
  asker: null, // subscribe.createAsker('progress'): the tap's template ids
  pendingCategory: '',

  onLoad(options) {
    this.stationId = options.station_id
    this.deputyId = options.deputy_id || null
    this.phoneCode = ''
    this.draftId = drafts.draftId(this.stationId, this.deputyId)
    const saved = drafts.load(this.draftId) || {}
    this.pendingCategory = saved.category || ''
    this.setData({
      stationName: decodeFully(options.station_name || ''),
      deputyName: decodeFully(options.deputy_name || ''),
      text: saved.text || '',
      textLength: (saved.text || '').length,
      photos: saved.photos || [],
      phone: saved.phone || '',
      phoneMode: saved.phone ? 'typed' : 'none',
      anonymous: !!saved.anonymous,
    })
    api
      .opinionCategories()
      .then((res) => {
        const categories = res.items || []
        const idx = categories.findIndex((c) => c.key === this.pendingCategory)
        this.setData({ categories, categoryIndex: idx })
      })
      .catch((err) => this.setData({ formError: errorMessage(err) }))
    // Loaded now: the subscribe dialog must open straight from the tap.
    this.asker = subscribe.createAsker('progress')
    this.asker.load()
  },

  onShow() {
    prefs.applyTextSize(this)
  },

  saveDraft() {
    const d = this.data
    const cat = d.categories[d.categoryIndex]
    drafts.save(this.draftId, {
      category: cat ? cat.key : this.pendingCategory,
      text: d.text,
      photos: d.photos.filter((p) => p.status === 'done'),
      phone: d.phoneMode === 'typed' ? d.phone : '',
      anonymous: d.anonymous,
    })
  },

  onCategoryChange(e) {
    this.setData({ categoryIndex: Number(e.detail.value), 'errors.category': '' })
    this.saveDraft()
  },

  onTextInput(e) {
    const text = e.detail.value
    this.setData({ text, textLength: text.length, 'errors.text': '' })
    this.saveDraft()
  },

  // ---- photos ------------------------------------------------------------------

  onChoosePhotos() {
    const left = form.MAX_PHOTOS - this.data.photos.length
    if (left <= 0) return
    wx.chooseMedia({
      count: left,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
      success: (res) => {
        const added = (res.tempFiles || []).slice(0, left).map((f) => ({
          key: 'p' + ++photoSeq,
          path: f.tempFilePath,
          status: 'uploading',
          id: '',
          url: '',
        }))
        this.setData({ photos: this.data.photos.concat(added), 'errors.photos': '' })
        added.forEach((p) => this.uploadPhoto(p.key))
      },
    })
  },

  updatePhoto(key, patch) {
    const i = this.data.photos.findIndex((p) => p.key === key)
    if (i < 0) return
    const change = {}
    Object.keys(patch).forEach((k) => {
      change['photos[' + i + '].' + k] = patch[k]
    })
    this.setData(change)
  },

  uploadPhoto(key) {
    const photo = this.data.photos.find((p) => p.key === key)
    if (!photo) return Promise.resolve()
    this.updatePhoto(key, { status: 'uploading' })
    return api
      .uploadPhoto(photo.path)
      .then((res) => {
        this.updatePhoto(key, { status: 'done', id: res.id, url: res.url })
        this.saveDraft()
      })
      .catch(() => this.updatePhoto(key, { status: 'failed' }))
  },

  onRetryPhoto(e) {
    this.uploadPhoto(e.currentTarget.dataset.key)
  },

  onRemovePhoto(e) {
    const key = e.currentTarget.dataset.key
    this.setData({ photos: this.data.photos.filter((p) => p.key !== key), 'errors.photos': '' })
    this.saveDraft()
  },

  onPreviewPhoto(e) {
    const urls = this.data.photos.map((p) => p.path)
    wx.previewImage({ urls, current: urls[e.currentTarget.dataset.index] })
  },

  // ---- contact -------------------------------------------------------------------

  onGetPhoneNumber(e) {
    const code = e.detail && e.detail.code
    if (code) {
      this.phoneCode = code
      this.setData({ phoneMode: 'wechat', phone: '', 'errors.phone': '' })
    } else {
      wx.showToast({ title: '未获取手机号，可手动填写', icon: 'none' })
    }
  },

  onPhoneInput(e) {
    const phone = String(e.detail.value || '').replace(/\D/g, '')
    this.phoneCode = ''
    this.setData({ phone, phoneMode: phone ? 'typed' : 'none', 'errors.phone': '' })
    this.saveDraft()
  },

  onClearPhone() {
    this.phoneCode = ''
    this.setData({ phone: '', phoneMode: 'none' })
    this.saveDraft()
  },

  onAnonymousChange(e) {
    this.setData({ anonymous: !!e.detail.value })
    this.saveDraft()
  },

  // ---- submit ----------------------------------------------------------------------

  currentForm() {
    const d = this.data
    const cat = d.categories[d.categoryIndex]
    return {
      stationId: this.stationId,
      deputyId: this.deputyId,
      category: cat ? cat.key : '',
      text: d.text,
      photos: d.photos,
      phoneMode: d.phoneMode,
      phone: d.phone,
      phoneCode: this.phoneCode,
      anonymous: d.anonymous,
    }
  },

  // Tap handler of the submit button: asks for the subscribe-message
  // consent right here (WeChat allows it only from a tap), then sends.
  onSubmitTap() {
    if (this.data.submitting) return
    const current = this.currentForm()
    const errors = form.validate(current)
    const keys = Object.keys(errors)
    this.setData({ errors, formError: '' })
    if (keys.length) {
      wx.showToast({ title: errors[keys[0]], icon: 'none' })
      return
    }
    this.setData({ submitting: true })
    this.asker.tap(() => this.send(current))
  },

  send(current) {
    wx.showLoading({ title: '正在提交', mask: true })
    return api
      .createOpinion(this.draftId, form.toBody(current))
      .then((res) => (res.intake ? this.waitForRegistration(res.intake) : res.opinion.id))
      .then((opinionId) => {
        wx.hideLoading()
        drafts.clear(this.draftId)
        this.setData({ submitting: false })
        if (opinionId) {
          wx.redirectTo({ url: pages.url('opinion', { id: opinionId, created: 1 }) })
          return
        }
        // Received and stored, not registered yet: it will show in 我的反映 by itself.
        wx.showModal({
          title: '已收到您的意见',
          content: '现在提交的人比较多，意见正在登记，稍后可在“我的反映”中查看，不必重新提交。',
          showCancel: false,
          confirmText: '知道了',
          success: () => wx.switchTab({ url: '/' + pages.PAGES.opinions.path }),
        })
      })
      .catch((err) => {
        wx.hideLoading()
        const kept = err.isNetwork ? '（内容已保存，重新提交不会重复登记）' : ''
        this.setData({
          submitting: false,
          errors: form.mapServerFields(fieldErrors(err)),
          formError: errorMessage(err) + kept,
        })
      })
  },

  // A busy moment: the backend took the opinion (202) and registers it within a second or
  // so. Ask until it is registered (its id), refused (thrown, shown like a refused
  // submit: the draft stays) or still pending after INTAKE_POLLS (null).
  intakePollMs: INTAKE_POLL_MS, // how often to ask (tests set 0)

  waitForRegistration(intake) {
    wx.showLoading({ title: '已收到，正在登记', mask: true })
    const every = this.intakePollMs
    const ask = (left) =>
      api.getIntake(intake.id).then((res) => {
        const now = res.intake
        if (now.status === 'registered') return now.opinion_id
        if (now.status === 'refused') {
          const e = now.error || {}
          throw new ApiError({ status: 422, code: e.code, message: e.message, details: e.details })
        }
        if (left <= 1) return null
        return wait(every).then(() => ask(left - 1))
      })
    return wait(every).then(() => ask(INTAKE_POLLS))
  },
})
