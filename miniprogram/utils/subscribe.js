// Subscribe-message consent. wx.requestSubscribeMessage only works when
// called directly from a tap handler, with at most 3 template ids, so the
// templates are loaded beforehand and this is called synchronously from the
// tap; the caller continues in the callback.

const MAX_TEMPLATES = 3

// Templates from GET /api/v1/notifications/templates -> at most 3 ids.
function pickTemplateIds(items) {
  const ids = []
  ;(items || []).forEach((t) => {
    if (t && t.template_id && ids.indexOf(t.template_id) < 0 && ids.length < MAX_TEMPLATES) {
      ids.push(t.template_id)
    }
  })
  return ids
}

// The raw wx result minus errMsg: {"<template_id>": "accept|reject|ban"}.
function consentResults(res, ids) {
  const out = {}
  ;(ids || []).forEach((id) => {
    const v = res && res[id]
    if (v === 'accept' || v === 'reject' || v === 'ban') out[id] = v
  })
  return out
}

// Must be called from inside a tap handler. Calls done(results) either way;
// results is {} when the person closed the dialog or the call failed.
function askFromTap(ids, done) {
  if (!ids || !ids.length || typeof wx.requestSubscribeMessage !== 'function') {
    done({})
    return
  }
  wx.requestSubscribeMessage({
    tmplIds: ids.slice(0, MAX_TEMPLATES),
    success: (res) => done(consentResults(res, ids)),
    fail: () => done({}),
  })
}

module.exports = { MAX_TEMPLATES, pickTemplateIds, consentResults, askFromTap }
