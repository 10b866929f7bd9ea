// The handling timeline of an opinion (newest first). Each step shows its 说明 (public_note,
// what staff wrote for the resident) and its note (what else the reader may read of it:
// a decline's reason for the resident; the backend never sends a resident internal notes).
const { formatTime, roleLabel } = require('../../utils/format')

// A step that moved the deadline says the new date; a reply step of a reopened case keeps
// the reply it sent (the last reply is in the page's own reply card).
function toItems(events) {
  const list = events || []
  let lastReply = -1
  list.forEach((e, i) => { if (e.reply) lastReply = i })
  return list
    .map((e, i) => ({
      key: i,
      label: e.action_label || e.to_state || '',
      time: formatTime(e.at),
      role: roleLabel(e.actor_role),
      deadline: e.deadline ? '办理期限延长至' + longDate(e.deadline) : '',
      reply: e.reply && i !== lastReply ? '此前的答复：' + e.reply : '',
      publicNote: e.public_note || '',
      note: e.note && e.note !== e.public_note ? e.note : '',
    }))
    .reverse()
}

// "2026-12-15" -> "2026年12月15日"
function longDate(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value)
  return m ? Number(m[1]) + '年' + Number(m[2]) + '月' + Number(m[3]) + '日' : String(value)
}

Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    events: { type: Array, value: [] },
  },
  data: { items: [] },
  observers: {
    events(events) {
      this.setData({ items: toItems(events) })
    },
  },
})

module.exports = { toItems }
