// utils/subscribe.js: taps never mix one-time and long-term templates, never carry
// more than 3 ids, and nothing wanted is silently dropped (more taps instead).
const { createFakeWx, withLogin, flush } = require('./helpers/fake-wx')
const { TEMPLATES, TEMPLATES_TWO_TAPS, ok } = require('./helpers/fixtures')

let fake
let subscribe
beforeEach(() => {
  fake = withLogin(createFakeWx())
  fake.templateKinds = { 'tmpl-closed': 'long_term', 'lt-1': 'long_term', 'lt-2': 'long_term' }
  global.wx = fake
  jest.isolateModules(() => {
    subscribe = require('../utils/subscribe')
  })
})

test('items are grouped by kind, at most three a group, nothing dropped', () => {
  const items = [
    { template_id: 'a', kind: 'one_time' }, { template_id: 'lt-1', kind: 'long_term' },
    { template_id: 'b', kind: 'one_time' }, { template_id: 'a', kind: 'one_time' },
    { template_id: 'c', kind: 'one_time' }, { template_id: 'd', kind: 'one_time' },
    { template_id: 'lt-2', kind: 'long_term' },
  ]
  expect(subscribe.groupItems(items)).toEqual([['a', 'b', 'c'], ['d'], ['lt-1', 'lt-2']])
  expect(subscribe.pickTemplateIds(items)).toEqual(['a', 'b', 'c'])
  // The backend's own grouping wins; an old backend without it is grouped here.
  expect(subscribe.groupsOf(TEMPLATES_TWO_TAPS)).toEqual(TEMPLATES_TWO_TAPS.request_groups)
  expect(subscribe.groupsOf({ items })).toEqual([['a', 'b', 'c'], ['d'], ['lt-1', 'lt-2']])
})

test('WeChat (the fake) refuses a mixed or an oversized call; a grouped tap never is one', () => {
  const done = jest.fn()
  subscribe.askFromTap(['a', 'lt-1'], done)
  subscribe.askFromTap(['a', 'b', 'c', 'd'], done) // askFromTap itself keeps to 3
  return flush().then(() => {
    expect(fake.refusals.map((r) => r.errCode)).toEqual([20002])
    expect(fake.called('requestSubscribeMessage')[1].tmplIds).toEqual(['a', 'b', 'c'])
    expect(done.mock.calls[0][0]).toEqual({}) // the refused call grants nothing
  })
})

test('an asker goes through the groups tap by tap and reports each answer', async () => {
  fake.route('GET', '/api/v1/notifications/templates', ok(TEMPLATES_TWO_TAPS))
  fake.route('POST', '/api/v1/notifications/consents', ok({ ok: true }))
  const asker = subscribe.createAsker('progress')
  await asker.load()
  const seen = []
  for (let i = 0; i < 4; i++) {
    asker.tap((results, left) => seen.push({ ids: Object.keys(results), left }))
    // eslint-disable-next-line no-await-in-loop
    await flush()
  }
  expect(fake.called('requestSubscribeMessage').map((c) => c.tmplIds)).toEqual([
    ['tmpl-replied', 'tmpl-accepted', 'tmpl-progress'], ['tmpl-appointment'], ['tmpl-closed'],
    ['tmpl-replied', 'tmpl-accepted', 'tmpl-progress'], // one-time grants can be renewed
  ])
  expect(seen.map((s) => s.left)).toEqual([2, 1, 0, 2])
  expect(fake.refusals).toEqual([])
  expect(fake.requestsTo('POST', '/api/v1/notifications/consents').map((r) => Object.keys(r.data.results))).toEqual([
    ['tmpl-replied', 'tmpl-accepted', 'tmpl-progress'], ['tmpl-appointment'], ['tmpl-closed'],
    ['tmpl-replied', 'tmpl-accepted', 'tmpl-progress'],
  ])
  expect(fake.requestsTo('GET', '/api/v1/notifications/templates')[0].query).toEqual({ audience: 'resident', moment: 'progress' })
})

test('with nothing to ask the tap goes straight on, without a dialog', async () => {
  fake.route('GET', '/api/v1/notifications/templates', ok({ items: [], request_ids: [], request_groups: [] }))
  const asker = subscribe.createAsker('booked')
  await asker.load()
  const done = jest.fn()
  asker.tap(done)
  expect(done).toHaveBeenCalledWith({}, 0)
  expect(fake.called('requestSubscribeMessage')).toHaveLength(0)
})
