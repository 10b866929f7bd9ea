// Rate the handling of an opinion: satisfied / basically / unsatisfied,
// a reason is required when unsatisfied.
const api = require('../../utils/api')
const prefs = require('../../utils/prefs')
const subscribe = require('../../utils/subscribe')
const { RATING_LABELS } = require('../../utils/format')
const { errorMessage, fieldErrors } = require('../../utils/request')

const MAX_COMMENT = 500
const OPTIONS = ['satisfied', 'basically_satisfied', 'unsatisfied'].map((key) => ({ key, label: RATING_LABELS[key] }))

// -> error message or '' when the rating can be sent.
function validateRating(rating, comment) {
  if (!rating) return '请选择满意程度'
  if (rating === 'unsatisfied' && !(comment || '').trim()) return '请写明不满意的原因，便于重新办理'
  if ((comment || '').length > MAX_COMMENT) return '说明不能超过' + MAX_COMMENT + '个字'
  return ''
}

Page({
  data: {
    pageClass: 'page',
    state: 'loading', // loading | ready | not_allowed | error
    errorText: '',
    options: OPTIONS,
    number: '',
    replyText: '',
    rating: '',
    comment: '',
    commentLength: 0,
    maxComment: MAX_COMMENT,
    formError: '',
    submitting: false,
  },

  opinionId: '',
  asker: null,

  onLoad(options) {
    this.opinionId = options.id
    // After rating: the review of an unsatisfied rating and the close come later.
    this.asker = subscribe.createAsker('rated')
    this.asker.load()
    this.load()
  },

  onShow() {
    prefs.applyTextSize(this)
  },

  load() {
    this.setData({ state: 'loading' })
    return api
      .getOpinion(this.opinionId)
      .then((res) => {
        const o = res.opinion
        const allowed = (o.allowed_actions || []).indexOf('rate') >= 0
        this.setData({
          state: allowed ? 'ready' : 'not_allowed',
          number: o.number,
          replyText: o.reply ? o.reply.text : '',
        })
      })
      .catch((err) => this.setData({ state: 'error', errorText: errorMessage(err) }))
  },

  onRetry() {
    this.load()
  },

  onBack() {
    wx.navigateBack({ delta: 1 })
  },

  onRatingChange(e) {
    this.setData({ rating: e.detail.value, formError: '' })
  },

  onCommentInput(e) {
    const comment = e.detail.value
    this.setData({ comment, commentLength: comment.length, formError: '' })
  },

  onSubmit() {
    if (this.data.submitting) return
    const { rating, comment } = this.data
    const problem = validateRating(rating, comment)
    if (problem) {
      this.setData({ formError: problem })
      return
    }
    this.setData({ submitting: true, formError: '' })
    // The dialog opens right from this tap (WeChat allows it nowhere else), then the rating goes.
    this.asker.tap(() => this.send(rating, comment))
  },

  send(rating, comment) {
    return api
      .rateOpinion(this.opinionId, rating, comment.trim())
      .then(() => {
        this.setData({ submitting: false })
        wx.showToast({ title: '感谢您的评价', icon: 'success' })
        wx.navigateBack({ delta: 1 })
      })
      .catch((err) => {
        const fields = fieldErrors(err)
        this.setData({ submitting: false, formError: fields.comment || fields.rating || errorMessage(err) })
      })
  },
})

module.exports = { validateRating }
