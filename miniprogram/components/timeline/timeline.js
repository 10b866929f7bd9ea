// The handling timeline of an opinion (newest first).
const { formatTime, roleLabel } = require('../../utils/format')

function toItems(events) {
  return (events || [])
    .map((e, i) => ({
      key: i,
      label: e.action_label || e.to_state || '',
      time: formatTime(e.at),
      role: roleLabel(e.actor_role),
      note: e.note || '',
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
