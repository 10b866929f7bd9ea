// Check-in (进站履职): a deputy who scans their own station's code while logged
// in as that deputy records attendance. Residents scanning the same poster just
// open the station page.
//
// The station code is printed on a public poster, so the scan alone proves nothing:
// the phone's position (wx.getLocation, GCJ-02 like the station's point) goes with
// it, and the backend verifies the check-in when it was sent from near the station.
// A deputy who refuses location still checks in; staff then confirm it (待确认).
const api = require('./api')
const { USER_KEY, errorMessage } = require('./request')

// wx.getLocation can wait a long time for a fix indoors; after this the check-in
// goes without a position rather than not at all.
const LOCATION_TIMEOUT_MS = 10000

// Whether this resolved code is the station of the logged-in deputy.
function shouldCheckIn(code, user) {
  if (!code || code.kind !== 'station' || !code.station) return false
  const deputyId = user && user.deputy_id
  if (!deputyId) return false
  return (code.station.deputies || []).some((d) => d && d.id === deputyId)
}

function isCoordinate(value, limit) {
  return typeof value === 'number' && isFinite(value) && Math.abs(value) <= limit
}

// Resolves to {latitude, longitude} (GCJ-02), or null when location is refused,
// switched off, nonsense or too slow. Never rejects.
function currentPosition(timeoutMs = LOCATION_TIMEOUT_MS) {
  return new Promise((resolve) => {
    let timer = null
    const finish = (value) => {
      if (timer === null) return
      clearTimeout(timer)
      timer = null
      resolve(value)
    }
    timer = setTimeout(() => finish(null), timeoutMs)
    wx.getLocation({
      type: 'gcj02',
      success: (res) => {
        const ok = res && isCoordinate(res.latitude, 90) && isCoordinate(res.longitude, 180)
        finish(ok ? { latitude: res.latitude, longitude: res.longitude } : null)
      },
      fail: () => finish(null),
    })
  })
}

// The toast after a check-in: the backend's own sentence (verified, or why not).
/** @returns {WechatMiniprogram.ShowToastOption} */
function toastOf(res) {
  const verified = !!(res && res.check_in && res.check_in.verified)
  const fallback = res && res.created === false ? '今天已签到' : '已签到，进站履职已记录'
  return { title: (res && res.message) || fallback, icon: verified ? 'success' : 'none', duration: verified ? 1500 : 3000 }
}

// Records the check-in when it applies; resolves to the toast text shown (or '').
function checkInIfDeputy(code, token) {
  const user = wx.getStorageSync(USER_KEY) || null
  if (!shouldCheckIn(code, user)) return Promise.resolve('')
  return currentPosition()
    .then((position) => api.checkIn(token, position))
    .then((res) => {
      const toast = toastOf(res)
      wx.showToast(toast)
      return toast.title
    })
    .catch((err) => {
      const text = errorMessage(err)
      wx.showToast({ title: text, icon: 'none' })
      return text
    })
}

module.exports = { shouldCheckIn, checkInIfDeputy, currentPosition, LOCATION_TIMEOUT_MS }
