// Privacy consent (required since October 2023 before chooseMedia,
// getPhoneNumber and other personal-data APIs). One global
// wx.onNeedPrivacyAuthorization listener hands the pending request to the
// privacy-popup component of the page on top; the popup calls resolve()
// with "agree" (from its agreePrivacyAuthorization button) or "disagree".

const listeners = []
let pending = null
let installed = false

function install() {
  if (installed || typeof wx.onNeedPrivacyAuthorization !== 'function') return
  installed = true
  wx.onNeedPrivacyAuthorization((resolve, eventInfo) => {
    pending = resolve
    const top = listeners[listeners.length - 1]
    if (top) top(eventInfo || {})
    else {
      // No popup on this page: refuse rather than hang the API call.
      pending = null
      resolve({ event: 'disagree' })
    }
  })
}

function subscribe(fn) {
  listeners.push(fn)
  return () => {
    const i = listeners.indexOf(fn)
    if (i >= 0) listeners.splice(i, 1)
  }
}

function answer(agree, buttonId) {
  const resolve = pending
  pending = null
  if (!resolve) return false
  resolve(agree ? { event: 'agree', buttonId } : { event: 'disagree' })
  return true
}

function hasPending() {
  return !!pending
}

function reset() {
  listeners.length = 0
  pending = null
  installed = false
}

module.exports = { install, subscribe, answer, hasPending, reset }
