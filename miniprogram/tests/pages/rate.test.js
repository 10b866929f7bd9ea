const { createFakeWx, withLogin, flush } = require('../helpers/fake-wx')
const { loadPage, resetApp, textOf, tap, fire } = require('../helpers/page')
const { OPINION, ok } = require('../helpers/fixtures')

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
