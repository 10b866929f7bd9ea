// Opinions as the pages show them: briefs (the API's OpinionBrief, in lists) and one
// opinion in full (OpinionOut), shared by the resident's and the deputy's pages.
const config = require('./config')
const { formatTime, ratingLabel } = require('./format')

/** @param {any[]} items */
function briefs(items) {
  return (items || []).map((o) => ({
    id: o.id,
    number: o.number,
    stateLabel: o.state_label,
    categoryLabel: o.category_label,
    summary: o.summary,
    stationName: o.station ? o.station.name : '',
    deputyName: o.deputy ? o.deputy.name : '',
    createdAt: formatTime(o.created_at),
    overdue: !!o.overdue,
  }))
}

/** @param {string} url */
function absolute(url) {
  if (!url || /^https?:\/\//.test(url)) return url
  return config.apiBase() + url
}

/** @param {any} o */
function opinionView(o) {
  return {
    id: o.id,
    number: o.number,
    stateLabel: o.state_label,
    stateGroup: o.state_group,
    categoryLabel: o.category_label,
    stationName: o.station ? o.station.name : '',
    deputyName: o.deputy ? o.deputy.name : '',
    createdAt: formatTime(o.created_at),
    deadline: o.deadline || '',
    overdue: !!o.overdue,
    text: o.text,
    photos: (o.photos || []).map((p) => absolute(p.url)),
    anonymous: !!o.anonymous,
    contactPhone: o.contact_phone || '',
    reply: o.reply ? { text: o.reply.text, at: formatTime(o.reply.at), unit: o.reply.unit && o.reply.unit.name ? o.reply.unit.name : '' } : null,
    rating: o.rating
      ? { label: ratingLabel(o.rating.rating), comment: o.rating.comment || '', at: formatTime(o.rating.at) }
      : null,
  }
}

module.exports = { briefs, opinionView }
