// Subscribe-message consent. WeChat's rules for wx.requestSubscribeMessage:
// - it works only when called directly from a tap handler (never from onLoad or a
//   timer), so the templates are loaded beforehand and the call is synchronous in the tap;
// - at most 3 template ids per call;
// - one-time and long-term ids never in the same call (the whole call fails, 20002).
// The backend hands out the ids already grouped that way (request_groups): one group per
// tap. Each accepted one-time template buys one later message, so a page asks again where
// a later message is wanted (订阅办理进度, after rating, when booking).

const api = require('./api')

const MAX_TEMPLATES = 3

// Template items -> groups of ids: one kind per group, at most 3, most important first.
function groupItems(items) {
  const byKind = {}
  const order = []
  ;(items || []).forEach((t) => {
    if (!t || !t.template_id) return
    const kind = t.kind || 'one_time'
    if (!byKind[kind]) {
      byKind[kind] = []
      order.push(kind)
    }
    if (byKind[kind].indexOf(t.template_id) < 0) byKind[kind].push(t.template_id)
  })
  const groups = []
  order.forEach((kind) => {
    for (let i = 0; i < byKind[kind].length; i += MAX_TEMPLATES) groups.push(byKind[kind].slice(i, i + MAX_TEMPLATES))
  })
  return groups
}

// GET /api/v1/notifications/templates answer -> its tap groups.
function groupsOf(res) {
  const given = res && res.request_groups
  if (Array.isArray(given)) return given.filter((g) => Array.isArray(g) && g.length).map((g) => g.slice(0, MAX_TEMPLATES))
  return groupItems(res && res.items)
}

// The first tap's ids (one kind, at most 3).
function pickTemplateIds(items) {
  return groupItems(items)[0] || []
}

// The raw wx result minus errMsg: {"<template_id>": "accept|reject|ban|filter"}.
function consentResults(res, ids) {
  const out = {}
  ;(ids || []).forEach((id) => {
    const v = res && res[id]
    if (v === 'accept' || v === 'reject' || v === 'ban' || v === 'filter') out[id] = v
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
  const tmplIds = ids.slice(0, MAX_TEMPLATES)
  wx.requestSubscribeMessage({
    tmplIds,
    success: (res) => done(consentResults(res, tmplIds)),
    fail: () => done({}),
  })
}

// What one moment asks for, tap by tap: load() early (onLoad), tap(done) from a tap
// handler. Each tap asks the next group and reports the answer to the backend;
// done(results, left) gets how many further taps the moment still wants (0 when all
// groups were asked; the next tap starts again, as one-time grants can be renewed).
function createAsker(moment) {
  const asker = {
    moment,
    groups: [],
    next: 0,
    load() {
      return api
        .notificationTemplates(moment)
        .then((res) => {
          asker.groups = groupsOf(res)
          asker.next = 0
          return asker.groups
        })
        .catch(() => [])
    },
    left() {
      return asker.next > 0 ? asker.groups.length - asker.next : 0
    },
    tap(done) {
      const ids = asker.groups[asker.next] || []
      askFromTap(ids, (results) => {
        if (ids.length) asker.next = (asker.next + 1) % asker.groups.length
        if (Object.keys(results).length) api.reportConsents(results).catch(() => {})
        done(results, asker.left())
      })
    },
  }
  return asker
}

module.exports = { MAX_TEMPLATES, groupItems, groupsOf, pickTemplateIds, consentResults, askFromTap, createAsker }
