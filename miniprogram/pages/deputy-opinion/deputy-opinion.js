// One opinion as a deputy sees it (from the 工作台 or a 点将 message): the text, who
// submitted it, the reply, the timeline with the notes, and the steps the workflow
// allows a deputy: 备注, 督办, 转为闭会期间代表建议.
const api = require('../../utils/api')
const prefs = require('../../utils/prefs')
const { opinionView } = require('../../utils/opinion-view')
const { errorMessage } = require('../../utils/request')

// 督办方式 (the workflow's urge methods).
const URGE_METHODS = [
  { key: 'phone', label: '电话催办' },
  { key: 'letter', label: '发函提醒' },
  { key: 'report', label: '听取汇报' },
]
const DONE = { note: '备注已添加', urge: '已督办', to_suggestion: '已转为代表建议' }

// What each form sends; null when a required field is empty (the message to show instead).
function fieldsOf(action, form) {
  if (action === 'note') {
    const note = (form.note || '').trim()
    return note ? { note } : '请填写备注内容'
  }
  if (action === 'urge') {
    const method = URGE_METHODS[form.urgeIndex] ? URGE_METHODS[form.urgeIndex].key : ''
    if (!method) return '请选择督办方式'
    const note = (form.urgeNote || '').trim()
    return note ? { method, note } : { method }
  }
  const title = (form.title || '').trim()
  if (!title) return '请填写建议标题'
  const text = (form.text || '').trim()
  return text ? { title, text } : { title }
}

Page({
  data: {
    pageClass: 'page',
    state: 'loading',
    errorText: '',
    opinion: null,
    events: [],
    actions: {},
    urgeMethods: URGE_METHODS,
    form: { note: '', urgeIndex: -1, urgeNote: '', title: '', text: '' },
    formError: '',
    sending: '',
  },

  opinionId: '',
  version: 0,

  onLoad(options) {
    this.opinionId = options.id
    this.load()
  },

  onShow() {
    prefs.applyTextSize(this)
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh())
  },

  show(o) {
    this.version = o.version
    const allowed = o.allowed_actions || []
    const actions = { note: allowed.indexOf('note') >= 0, urge: allowed.indexOf('urge') >= 0,
      suggest: allowed.indexOf('to_suggestion') >= 0 }
    this.setData({ state: 'ready', opinion: Object.assign(opinionView(o), { submitter: o.submitter ? o.submitter.nickname : '' }), events: o.events || [], actions })
  },

  load() {
    if (!this.data.opinion) this.setData({ state: 'loading' })
    return api
      .getOpinion(this.opinionId)
      .then((res) => this.show(res.opinion))
      .catch((err) => this.setData({ state: 'error', errorText: errorMessage(err) }))
  },

  onRetry() {
    this.load()
  },

  onInput(e) {
    this.setData({ ['form.' + e.currentTarget.dataset.field]: e.detail.value, formError: '' })
  },

  onUrgeMethod(e) {
    this.setData({ 'form.urgeIndex': Number(e.detail.value), formError: '' })
  },

  onAction(e) {
    const action = e.currentTarget.dataset.action
    if (this.data.sending) return
    const fields = fieldsOf(action, this.data.form)
    if (typeof fields === 'string') {
      this.setData({ formError: fields })
      return
    }
    this.setData({ sending: action, formError: '' })
    return api
      .opinionAction(this.opinionId, action, fields, this.version)
      .then((res) => {
        this.show(res.opinion)
        this.setData({ sending: '', form: { note: '', urgeIndex: -1, urgeNote: '', title: '', text: '' } })
        wx.showToast({ title: DONE[action], icon: 'success' })
      })
      .catch((err) => {
        this.setData({ sending: '', formError: errorMessage(err) })
        if (err.status === 409) this.load() // someone else moved it: show what it is now
      })
  },
})

module.exports = { fieldsOf, URGE_METHODS }
