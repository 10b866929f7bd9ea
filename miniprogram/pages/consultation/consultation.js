// A draft-law consultation (立法意见征集): the draft article by article, a comment on the
// whole draft or on one article, my comments, and what became of it once published.
const api = require('../../utils/api')
const prefs = require('../../utils/prefs')
const subscribe = require('../../utils/subscribe')
const { formatDate } = require('../../utils/format')
const { errorMessage, fieldErrors } = require('../../utils/request')

const MAX_TEXT = 2000

// -> error message or '' when the comment can be sent.
function validateComment(text) {
  const t = (text || '').trim()
  if (t.length < 2) return '请填写您的意见（至少 2 个字）'
  if (t.length > MAX_TEXT) return '意见最多' + MAX_TEXT + '字'
  return ''
}

function labelOf(articles, number) {
  if (number === null || number === undefined) return '草案整体'
  const a = (articles || []).find((x) => x.number === number)
  return a ? a.label : '第' + number + '条'
}

function toView(c) {
  const articles = c.articles || []
  return {
    id: c.id,
    title: c.title,
    summary: c.summary,
    preamble: c.preamble,
    state: c.state,
    stateLabel: c.state_label,
    period: formatDate(c.opens_on) + ' 至 ' + formatDate(c.closes_on),
    canComment: !!c.can_comment,
    asDeputy: !!c.as_deputy,
    outcome: c.outcome ? c.outcome.text : '',
    counts: c.counts || { shown: 0 },
    articles: articles.map((a, i) => ({
      number: a.number,
      label: a.label,
      text: a.text,
      comments: a.comments || 0,
      chapter: a.chapter && (i === 0 || articles[i - 1].chapter !== a.chapter) ? a.chapter : '',
    })),
    mine: (c.mine || []).map((m) => ({
      id: m.id,
      target: labelOf(articles, m.article),
      text: m.text,
      hidden: m.hidden,
      hiddenReason: m.hidden_reason,
    })),
  }
}

Page({
  data: {
    pageClass: 'page',
    state: 'loading', // loading | ready | error
    errorText: '',
    c: null,
    form: null, // {article, target, text, length, error, submitting}
    maxText: MAX_TEXT,
  },

  consultationId: '',
  asker: null,

  onLoad(options) {
    this.consultationId = options.id
    // The outcome (and a hidden comment) come later: asked for when commenting.
    this.asker = subscribe.createAsker('consulted')
    this.asker.load()
    this.load()
  },

  onShow() {
    prefs.applyTextSize(this)
  },

  load() {
    this.setData({ state: this.data.c ? 'ready' : 'loading', errorText: '' })
    return api
      .getConsultation(this.consultationId)
      .then((res) => this.setData({ state: 'ready', c: toView(res.consultation) }))
      .catch((err) => this.setData({ state: 'error', errorText: errorMessage(err) }))
  },

  onRetry() {
    this.load()
  },

  onCommentWhole() {
    this.openForm(null)
  },

  onCommentArticle(e) {
    this.openForm(Number(e.currentTarget.dataset.number))
  },

  openForm(article) {
    this.setData({
      form: { article, target: labelOf(this.data.c.articles, article), text: '', length: 0, error: '', submitting: false },
    })
  },

  onFormInput(e) {
    const text = e.detail.value
    this.setData({ 'form.text': text, 'form.length': text.length, 'form.error': '' })
  },

  onCancelForm() {
    this.setData({ form: null })
  },

  onSendForm() {
    const form = this.data.form
    if (!form || form.submitting) return
    const problem = validateComment(form.text)
    if (problem) {
      this.setData({ 'form.error': problem })
      return
    }
    this.setData({ 'form.submitting': true, 'form.error': '' })
    // The consent dialog opens right from this tap, then the comment goes.
    this.asker.tap(() => this.send(form.article, form.text.trim()))
  },

  send(article, text) {
    return api
      .commentConsultation(this.consultationId, article, text)
      .then(() => {
        this.setData({ form: null })
        wx.showToast({ title: '感谢您的意见', icon: 'success' })
        return this.load()
      })
      .catch((err) => {
        const fields = fieldErrors(err)
        this.setData({ 'form.submitting': false, 'form.error': fields.text || errorMessage(err) })
      })
  },
})

module.exports = { validateComment, toView }
