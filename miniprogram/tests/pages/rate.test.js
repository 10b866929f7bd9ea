const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap, fire } = require('../helpers/page')
const { OPINION, TEMPLATES, ok } = require('../helpers/fixtures')

let fake
beforeEach(() => {
  resetApp()
  fake = withLogin(createFakeWx())
  global.wx = fake
  fake.route('GET', '/api/v1/opinions/41', ok({ opinion: OPINION }))
  fake.route('POST', '/api/v1/opinions/41/transitions', (r) => ({
    statusCode: 200,
    data: { opinion: Object.assign({}, OPINION, { state: 'rated', rating: { rating: r.data.rating, comment: r.data.comment } }) },
  }))
})

test('unsatisfied requires a reason, then rates', async () => {
  const { comp } = loadPage('pages/rate/rate', { id: '41' })
  await flush()
  expect(textOf(comp)).toContain('满意')
  expect(textOf(comp)).toContain('基本满意')
  expect(textOf(comp)).toContain('答复：已协调交警部门')
  await tap(comp, '#rate-submit')
  expect(textOf(comp)).toContain('请选择满意程度')
  await fire(comp, '#rating-group', 'change', { value: 'unsatisfied' })
  expect(textOf(comp)).toContain('不满意的原因（必填）')
  await tap(comp, '#rate-submit')
  expect(textOf(comp)).toContain('请写明不满意的原因')
  expect(fake.requestsTo('POST', '/api/v1/opinions/41/transitions')).toHaveLength(0)
  await fire(comp, '#comment-input', 'input', { value: '  绿灯还是太短  ' })
  expect(textOf(comp)).toContain('10/500')
  await tap(comp, '#rate-submit')
  const sent = fake.requestsTo('POST', '/api/v1/opinions/41/transitions')
  expect(sent).toHaveLength(1)
  expect(sent[0].data).toEqual({ action: 'rate', rating: 'unsatisfied', comment: '绿灯还是太短' })
  expect(fake.lastCall('showToast').title).toBe('感谢您的评价')
  expect(fake.called('navigateBack')).toHaveLength(1)
})

test('satisfied needs no comment', async () => {
  const { comp } = loadPage('pages/rate/rate', { id: '41' })
  await flush()
  await fire(comp, '#rating-group', 'change', { value: 'satisfied' })
  await tap(comp, '#rate-submit')
  expect(fake.requestsTo('POST', '/api/v1/opinions/41/transitions')[0].data).toEqual({ action: 'rate', rating: 'satisfied', comment: '' })
})

test('a 409 from the backend is shown, the form stays', async () => {
  fake.route('POST', '/api/v1/opinions/41/transitions', () => ({
    statusCode: 409, data: { error: { code: 'conflict', message: '该意见状态已变化，请刷新后再评价' } },
  }))
  const { comp } = loadPage('pages/rate/rate', { id: '41' })
  await flush()
  await fire(comp, '#rating-group', 'change', { value: 'basically_satisfied' })
  await tap(comp, '#rate-submit')
  expect(textOf(comp)).toContain('该意见状态已变化，请刷新后再评价')
  expect(fake.called('navigateBack')).toHaveLength(0)
  expect(comp.data.submitting).toBe(false)
})

test('not ratable now', async () => {
  fake.route('GET', '/api/v1/opinions/41', ok({ opinion: Object.assign({}, OPINION, { allowed_actions: [] }) }))
  const { comp } = loadPage('pages/rate/rate', { id: '41' })
  await flush()
  expect(textOf(comp)).toContain('当前无需评价')
  await tap(comp, '#not-allowed >>> #status-primary')
  expect(fake.called('navigateBack')).toHaveLength(1)
})

test('rating asks, from the submit tap, for the messages that come after it', async () => {
  const rated = { items: TEMPLATES.items.slice(2), request_ids: ['tmpl-accepted', 'tmpl-progress'],
    request_groups: [['tmpl-accepted', 'tmpl-progress']] }
  fake.route('GET', '/api/v1/notifications/templates', ok(rated))
  fake.route('POST', '/api/v1/notifications/consents', ok({ ok: true }))
  const { comp, page } = loadPage('pages/rate/rate', { id: '41' })
  await flush()
  expect(fake.requestsTo('GET', '/api/v1/notifications/templates')[0].query).toEqual({ audience: 'resident', moment: 'rated' })
  await fire(comp, '#rating-group', 'change', { value: 'satisfied' })
  expect(fake.called('requestSubscribeMessage')).toHaveLength(0)
  page.onSubmit()
  expect(fake.called('requestSubscribeMessage')).toHaveLength(1) // inside the tap
  expect(fake.lastCall('requestSubscribeMessage').tmplIds).toEqual(['tmpl-accepted', 'tmpl-progress'])
  await flush()
  const askIndex = fake.calls.findIndex((c) => c.name === 'requestSubscribeMessage')
  const rateIndex = fake.calls.findIndex((c) => c.name === 'request' && /transitions$/.test(c.arg.url))
  expect(askIndex).toBeLessThan(rateIndex)
  expect(fake.requestsTo('POST', '/api/v1/notifications/consents')[0].data.results).toEqual(
    { 'tmpl-accepted': 'accept', 'tmpl-progress': 'accept' })
  expect(fake.requestsTo('POST', '/api/v1/opinions/41/transitions')[0].data.rating).toBe('satisfied')
})
