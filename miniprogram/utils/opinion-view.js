// Opinions as the pages show them: briefs (the API's OpinionBrief, in lists) and one
// opinion in full (OpinionOut), shared by the resident's and the deputy's pages.
const config = require('./config')
const { formatTime, ratingLabel } = require('./format')

/** @param {any} o */
function brief(o) {
  return {
    id: o.id,
    number: o.number,
    stateLabel: o.state_label,
    categoryLabel: o.category_label,
    summary: o.summary,
    stationName: o.station ? o.station.name : '',
    deputyName: o.deputy ? o.deputy.name : '',
    createdAt: formatTime(o.created_at),
    overdue: !!o.overdue,
  }
}

/** @param {any[]} items */
function briefs(items) {
  return (items || []).map(brief)
}

/** @param {string} url */
function absolute(url) {
  if (!url || /^https?:\/\//.test(url)) return url
  return config.apiBase() + url
}

/** @param {any} o */
function opinionView(o) {
  return Object.assign(brief(o), {
    stateGroup: o.state_group,
    deadline: o.deadline || '',
    text: o.text,
    photos: (o.photos || []).map((p) => absolute(p.url)),
    anonymous: !!o.anonymous,
    contactPhone: o.contact_phone || '',
    reply: o.reply ? { text: o.reply.text, at: formatTime(o.reply.at), unit: o.reply.unit && o.reply.unit.name ? o.reply.unit.name : '' } : null,
    rating: o.rating
      ? { label: ratingLabel(o.rating.rating), comment: o.rating.comment || '', at: formatTime(o.rating.at) }
      : null,
  })
}

module.exports = { briefs, opinionView }
