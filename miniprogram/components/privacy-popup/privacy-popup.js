// Privacy consent popup. Put <privacy-popup/> on every page that uses
// chooseMedia, getPhoneNumber or other personal-data APIs; it opens when
// WeChat asks for consent (wx.onNeedPrivacyAuthorization, see utils/privacy).
const privacy = require('../../utils/privacy')

const unsubscribers = new Map()

Component({
  options: { styleIsolation: 'apply-shared' },
  data: { show: false, contractName: '《用户隐私保护指引》' },
  lifetimes: {
    attached() {
      unsubscribers.set(this, privacy.subscribe(() => this.open()))
    },
    detached() {
      const off = unsubscribers.get(this)
      if (off) off()
      unsubscribers.delete(this)
    },
  },
  methods: {
    open() {
      this.setData({ show: true })
      if (typeof wx.getPrivacySetting === 'function') {
        wx.getPrivacySetting({
          success: (res) => {
            if (res && res.privacyContractName) this.setData({ contractName: res.privacyContractName })
          },
        })
      }
    },
    onOpenContract() {
      if (typeof wx.openPrivacyContract === 'function') wx.openPrivacyContract({})
    },
    // The agree button has open-type="agreePrivacyAuthorization": WeChat
    // records the consent itself; we then release the waiting API call.
    onAgree() {
      privacy.answer(true, 'privacy-agree')
      this.setData({ show: false })
      this.triggerEvent('agree')
    },
    onDisagree() {
      privacy.answer(false)
      this.setData({ show: false })
      this.triggerEvent('disagree')
    },
  },
})
