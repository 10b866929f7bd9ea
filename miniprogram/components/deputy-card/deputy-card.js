// One deputy in a list: photo (or the first character of the name), name,
// level labels. Emits "open" with {id}.
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    deputy: { type: Object, value: null },
    note: { type: String, value: '' },
  },
  data: { initial: '' },
  observers: {
    deputy(d) {
      this.setData({ initial: d && d.name ? d.name.slice(0, 1) : '' })
    },
  },
  methods: {
    onTap() {
      const d = this.data.deputy
      if (d) this.triggerEvent('open', { id: d.id })
    },
  },
})
