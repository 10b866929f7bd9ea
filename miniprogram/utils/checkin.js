// Check-in (进站履职): a deputy who scans their own station's code while logged
// in as that deputy records attendance. Residents scanning the same poster just
// open the station page.
const api = require('./api')
const { USER_KEY, errorMessage } = require('./request')

// Whether this resolved code is the station of the logged-in deputy.
function shouldCheckIn(code, user) {
  if (!code || code.kind !== 'station' || !code.station) return false
  const deputyId = user && user.deputy_id
  if (!deputyId) return false
  return (code.station.deputies || []).some((d) => d && d.id === deputyId)
}

// Records the check-in when it applies; resolves to the toast text shown (or '').
function checkInIfDeputy(code, token) {
  const user = wx.getStorageSync(USER_KEY) || null
  if (!shouldCheckIn(code, user)) return Promise.resolve('')
  return api
    .checkIn(token)
    .then((res) => {
      const text = res && res.created === false ? '今天已签到' : '已签到，进站履职已记录'
      wx.showToast({ title: text, icon: 'success' })
      return text
    })
    .catch((err) => {
      const text = errorMessage(err)
      wx.showToast({ title: text, icon: 'none' })
      return text
    })
}

module.exports = { shouldCheckIn, checkInIfDeputy }
