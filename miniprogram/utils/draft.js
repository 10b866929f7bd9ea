// Opinion drafts kept in storage per target (station + optional deputy), so
// a draft survives closing the app; its id also names the idempotency key.

const PREFIX = 'draft:'

function draftId(stationId, deputyId) {
  return 's' + (stationId || 0) + '-d' + (deputyId || 0)
}

function load(id) {
  const d = wx.getStorageSync(PREFIX + id)
  return d && typeof d === 'object' ? d : null
}

function save(id, draft) {
  wx.setStorageSync(PREFIX + id, draft)
}

function clear(id) {
  wx.removeStorageSync(PREFIX + id)
}

module.exports = { draftId, load, save, clear }
