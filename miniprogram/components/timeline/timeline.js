// The handling timeline of an opinion (newest first). Each step shows its 说明 (public_note,
// what staff wrote for the resident) and its note (what else the reader may read of it:
// a decline's reason for the resident; the backend never sends a resident internal notes).
const { formatTime, roleLabel } = require('../../utils/format')

function toItems(events) {
  return (events || [])
    .map((e, i) => ({
      key: i,
      label: e.action_label || e.to_state || '',
      time: formatTime(e.at),
      role: roleLabel(e.actor_role),
      publicNote: e.public_note || '',
      note: e.note && e.note !== e.public_note ? e.note : '',
    }))
    .reverse()
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
