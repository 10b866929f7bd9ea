// Reading preferences kept in storage. Large text is applied by a class on
// each page's root view ("page large-text"), set from onShow.

const LARGE_TEXT_KEY = 'pref_large_text'

function isLargeText() {
  try {
    return wx.getStorageSync(LARGE_TEXT_KEY) === true
  } catch (e) {
    return false
  }
}

function setLargeText(on) {
  wx.setStorageSync(LARGE_TEXT_KEY, !!on)
}

function pageClass() {
  return isLargeText() ? 'page large-text' : 'page'
}

// Call from a page's onShow: this.setData only when the class changed.
function applyTextSize(page) {
  const cls = pageClass()
  if (page.data.pageClass !== cls) page.setData({ pageClass: cls })
}

module.exports = { LARGE_TEXT_KEY, isLargeText, setLargeText, pageClass, applyTextSize }
