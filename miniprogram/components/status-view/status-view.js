// A full-width message block (weui "msg" look): loading, empty, warnings,
// no network. Emits "primary" / "secondary" when its buttons are tapped.
const ICONS = {
  loading: { icon: 'waiting', color: '#10aeff' },
  info: { icon: 'info', color: '#10aeff' },
  warn: { icon: 'warn', color: '#fa9d3b' },
  network: { icon: 'warn', color: '#fa5151' },
  empty: { icon: 'info', color: '#b2b2b2' },
  success: { icon: 'success', color: '#07c160' },
}

Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    type: { type: String, value: 'info' },
    title: { type: String, value: '' },
    desc: { type: String, value: '' },
    primaryText: { type: String, value: '' },
    secondaryText: { type: String, value: '' },
  },
  data: { icon: 'info', color: '#10aeff' },
  observers: {
    type(type) {
      const v = ICONS[type] || ICONS.info
      this.setData({ icon: v.icon, color: v.color })
    },
  },
  methods: {
    onPrimary() {
      this.triggerEvent('primary')
    },
    onSecondary() {
      this.triggerEvent('secondary')
    },
  },
})
